package io.enrollflow.enroll;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.EnrollmentApiStub.Request;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §4: the enrollment request and every row of its outcome table, through the real pipeline (one for the
 * class, with an enrollment token set). {@link EnrollmentTimeoutsIT} holds the cases that need settings of their own.
 */
class EnrollmentIT {

    static final String TOKEN = "s3cr3t-t0ken";

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    @Order(2)
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @RegisterExtension
    @Order(3)
    static final Pipeline pipeline = Pipeline.perClass(redis, api).set("enrollflow.enroll.token", TOKEN);

    @BeforeAll
    static void start() throws Exception {
        pipeline.start();
    }

    @Test
    void successfulEnrollmentLetsTheTaskGoOnToCompletion() throws Exception {
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitCompleted(task.taskId());

        assertEquals("1", status.get("attempts"));
        assertEquals(1, api.calls(task.courseUrl()));
        assertTrue(status.get("deliveryUrl").startsWith("file:"), status.toString());
    }

    @Test
    void requestPostsTheCourseUrlAndEmailAsJson() throws Exception {
        Tasks task = aTask().courseUrl("https://courses.example.com/course/go-201/").email("ann@example.org");
        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        Request request = api.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals(EnrollmentApiStub.PATH, request.path());
        assertEquals(redisJson("{\"urls\":[\"https://courses.example.com/course/go-201/\"],\"email\":\"ann@example.org\"}"),
                request.json());
        assertTrue(request.header("Content-Type").startsWith("application/json"), request.header("Content-Type"));
    }


    @Test
    void requestCarriesTheBearerToken() throws Exception {
        Tasks task = aTask();
        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        assertEquals("Bearer " + TOKEN, api.requests().get(0).header("Authorization"));
    }

    @Test
    void requestCarriesNoCamelOrEnrollflowInternalHeaders() throws Exception {
        Tasks task = aTask();
        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        Request request = api.requests().get(0);
        List<String> leaked = request.headerNames().stream()
                .filter(name -> name.startsWith("camel") || name.startsWith("enrollflow")).toList();
        assertEquals(List.of(), leaked, "headers sent: " + request.headerNames());
    }

    @Test
    void requestAsksForNoCompression() throws Exception {
        // the HTTP client is set up for one small JSON POST per task: no gzip to negotiate (nor cookies to keep)
        Tasks task = aTask();
        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        List<String> sent = api.requests().get(0).headerNames();
        assertTrue(sent.contains("content-type"), "headers sent: " + sent);
        assertFalse(sent.contains("accept-encoding"), "headers sent: " + sent);
    }

    @Test
    void rejectionFailsTheTaskWithTheApiMessageWithoutRetry() throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.rejected("Course not found for this account"));
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("enrollment_rejected", status.get("reason"));
        assertEquals("Course not found for this account", status.get("message"));
        assertEquals("enroll", status.get("stage"));
        assertEquals(1, api.calls(task.courseUrl()));
    }

    @Test
    void rejectionIsDeadLetteredWithEveryContractField() throws Exception {
        Tasks task = aTask().id("39");
        api.answer(task.courseUrl(), Answer.rejected("Course not found"));
        pipeline.push(task);
        pipeline.awaitFailed("39");

        JsonNode record = pipeline.deadLetter("39");
        assertNotNull(record);
        assertEquals("39", record.path("taskId").asText());
        assertEquals(redisJson(task.json()), record.path("task"));
        assertEquals("enroll", record.path("stage").asText());
        assertEquals("enrollment_rejected", record.path("reason").asText());
        assertEquals("Course not found", record.path("message").asText());
        assertEquals(1, record.path("attempts").asInt());
        assertEquals(0, record.path("replays").asInt());
        Instant first = Instant.parse(record.path("firstFailedAt").asText());
        Instant last = Instant.parse(record.path("lastFailedAt").asText());
        assertTrue(!last.isBefore(first), record.toString());
    }

    @Test
    void alreadyEnrolledCountsAsEnrolled() throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.alreadyEnrolled());
        pipeline.push(task);

        pipeline.awaitCompleted(task.taskId());
        assertEquals(1, api.calls(task.courseUrl()));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 404})
    void clientErrorRejectsTheTaskNamingTheStatusAndTheBodyStart(int code) throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.status(code, "{\"error\":\"no such course: java-101\",\"detail\":\"...\"}"));
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("enrollment_rejected", status.get("reason"));
        assertTrue(status.get("message").contains(Integer.toString(code)), status.get("message"));
        assertTrue(status.get("message").contains("{\"error\":\"no such course"), status.get("message"));
        assertEquals(1, api.calls(task.courseUrl()));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 429, 500, 503})
    void transientAnswerIsRetriedThenFailsAsUnavailable(int code) throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.status(code, "{\"error\":\"try later\"}"));
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("enrollment_unavailable", status.get("reason"));
        assertEquals("3", status.get("attempts"));
        assertTrue(status.get("message").contains(Integer.toString(code)), status.get("message"));
        assertEquals(3, api.calls(task.courseUrl()));
        assertEquals(3, pipeline.deadLetter(task.taskId()).path("attempts").asInt());
    }

    @Test
    void unavailableThenSuccessCompletesOnTheSecondAttempt() throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.status(503, "maintenance"), Answer.success());
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitCompleted(task.taskId());

        assertEquals("2", status.get("attempts"));
        assertEquals(2, api.calls(task.courseUrl()));
        assertNull(pipeline.deadLetter(task.taskId()));
    }




    @Test
    void bodyThatIsNotTheExpectedJsonIsRetriedThenFailsAsUnavailable() throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.garbage());
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("enrollment_unavailable", status.get("reason"));
        assertEquals(3, api.calls(task.courseUrl()));
    }

    private static JsonNode redisJson(String json) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    }
}

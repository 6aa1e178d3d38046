package io.enrollflow.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §2: what is taken from the queue, what is refused, and how a refusal is recorded. One pipeline for the
 * class, with one worker (so "the worker goes on" is about that worker) and allowed hosts set.
 */
class IntakeIT {

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    @Order(2)
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @RegisterExtension
    @Order(3)
    static final Pipeline pipeline = Pipeline.perClass(redis, api)
            .set("enrollflow.worker.concurrency", "1")
            .set("enrollflow.task.allowed-hosts", "courses.example.com, learn.example.com");

    @BeforeAll
    static void start() throws Exception {
        pipeline.start();
    }

    @Test
    void statusHashCarriesEveryContractField() throws Exception {
        pipeline.push(aTask().id("39").orderId("1007"));

        Map<String, String> status = pipeline.awaitCompleted("39");

        for (String field : List.of("status", "stage", "reason", "message", "attempts", "orderId", "courseUrl",
                "deliveryUrl", "updatedAt")) {
            assertTrue(status.containsKey(field), field + " missing from " + status);
        }
        assertEquals("1007", status.get("orderId"));
        assertEquals(Tasks.COURSE_URL, status.get("courseUrl"));
        assertTrue(status.get("updatedAt").endsWith("Z"), status.get("updatedAt"));
        java.time.Instant.parse(status.get("updatedAt"));
    }

    @Test
    void nonJsonIsDeadLetteredAsInvalidWithItsRawTextAndTheWorkerGoesOn() throws Exception {
        pipeline.push("this is not json {");
        Tasks next = aTask();
        pipeline.push(next);

        pipeline.awaitCompleted(next.taskId());

        JsonNode record = onlyInvalidRecord();
        assertEquals("invalid_task", record.path("reason").asText());
        assertEquals("intake", record.path("stage").asText());
        assertEquals("this is not json {", record.path("task").asText());
        assertTrue(redis.keys(RedisExtension.TASK_PREFIX + "invalid-*").isEmpty(), "an invalid payload has no status hash");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[{\"taskId\":\"50\"}]", "\"just a string\"", "42", "null"})
    void jsonThatIsNotAnObjectIsDeadLetteredAsInvalid(String payload) throws Exception {
        pipeline.push(payload);

        JsonNode record = awaitOnlyInvalidRecord();

        assertEquals("invalid_task", record.path("reason").asText());
        assertFalse(redis.exists(RedisExtension.TASK_PREFIX + "50"));
        assertEquals(0, api.requests().size());
    }

    @Test
    void objectWithoutTaskIdIsDeadLetteredAsInvalid() throws Exception {
        pipeline.push(aTask().without("taskId").with("note", "no id").json());

        JsonNode record = awaitOnlyInvalidRecord();

        assertEquals("invalid_task", record.path("reason").asText());
        assertEquals("no id", record.path("task").path("note").asText(), "the payload is kept as JSON");
    }

    @Test
    void missingEmailFailsTheTaskAsInvalidWithAStatusHash() throws Exception {
        pipeline.push(aTask().id("51").without("email"));

        Map<String, String> status = pipeline.awaitFailed("51");

        assertEquals("invalid_task", status.get("reason"));
        assertEquals("intake", status.get("stage"));
        assertTrue(status.get("message").contains("email"), status.get("message"));
        assertEquals("invalid_task", pipeline.deadLetter("51").path("reason").asText());
        assertEquals(0, api.requests().size());
    }

    @Test
    void missingCourseUrlFailsTheTaskAsInvalid() throws Exception {
        pipeline.push(aTask().id("52").without("courseUrl"));

        Map<String, String> status = pipeline.awaitFailed("52");

        assertEquals("invalid_task", status.get("reason"));
        assertTrue(status.get("message").contains("courseUrl"), status.get("message"));
    }

    @Test
    void invalidEmailFailsTheTaskAsInvalid() throws Exception {
        pipeline.push(aTask().id("53").email("not-an-address"));

        assertEquals("invalid_task", pipeline.awaitFailed("53").get("reason"));
    }

    @Test
    void aliasesIdCourseUrlCustomerEmailAndOrderIdAreAccepted() throws Exception {
        pipeline.push("{\"id\":\"60\",\"course_url\":\"https://courses.example.com/a/\","
                + "\"customer_email\":\"ann@example.com\",\"order_id\":\"9001\"}");

        Map<String, String> status = pipeline.awaitCompleted("60");

        assertEquals("9001", status.get("orderId"));
        assertEquals("https://courses.example.com/a/", status.get("courseUrl"));
        assertEquals("ann@example.com", api.requests().get(0).json().path("email").asText());
    }

    @Test
    void aliasesNumericTaskIdAndUrlAreAccepted() throws Exception {
        pipeline.push("{\"task_id\":42,\"url\":\"https://courses.example.com/b/\",\"email\":\"ann@example.com\"}");

        Map<String, String> status = pipeline.awaitCompleted("42");

        assertEquals("https://courses.example.com/b/", status.get("courseUrl"));
        assertTrue(Files.isDirectory(pipeline.delivered("42")));
    }

    @Test
    void taskIdClimbingOutOfWorkDirIsDeadLetteredAsInvalidAndWritesNothingOutside() throws Exception {
        pipeline.push(aTask().id("../escaped"));
        pipeline.push(aTask().id("../../escaped2"));

        Pipeline.await(Pipeline.WAIT).until(() -> redis.deadLetterIds().size() == 2);

        assertTrue(redis.deadLetterIds().stream().allMatch(id -> id.startsWith("invalid-")), redis.deadLetterIds().toString());
        assertEquals(0, api.requests().size());
        try (Stream<Path> files = Files.walk(pipeline.root())) {
            List<Path> escaped = files.filter(p -> p.getFileName().toString().startsWith("escaped")).toList();
            assertEquals(List.of(), escaped);
        }
        assertFalse(Files.exists(pipeline.root().getParent().resolve("escaped")));
        assertFalse(Files.exists(pipeline.root().getParent().resolve("escaped.log")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-https://courses.example.com/c/", "--output=/etc/passwd", "ftp://courses.example.com/c/",
            "file:///etc/passwd", "courses.example.com/c/", "https://"})
    void courseUrlThatIsNotAnAbsoluteHttpUrlFailsTheTaskAsInvalid(String courseUrl) throws Exception {
        pipeline.push(aTask().id("70").courseUrl(courseUrl));

        Map<String, String> status = pipeline.awaitFailed("70");

        assertEquals("invalid_task", status.get("reason"));
        assertEquals(0, api.requests().size());
        assertEquals(0, pipeline.download().calls());
    }

    @Test
    void courseUrlOnAHostNotAllowedFailsTheTaskAsInvalid() throws Exception {
        pipeline.push(aTask().id("71").courseUrl("https://evil.example.net/course/"));
        pipeline.push(aTask().id("72").courseUrl("https://LEARN.example.com/course/"));

        Map<String, String> status = pipeline.awaitFailed("71");

        assertEquals("invalid_task", status.get("reason"));
        assertTrue(status.get("message").contains("evil.example.net"), status.get("message"));
        pipeline.awaitCompleted("72");
    }

    @Test
    void payloadOver64KiBIsDeadLetteredAsInvalidWithItsTextCutAt64KiB() throws Exception {
        String payload = aTask().id("80").with("padding", "x".repeat(70_000)).json();
        pipeline.push(payload);

        JsonNode record = awaitOnlyInvalidRecord();

        assertEquals("invalid_task", record.path("reason").asText());
        assertTrue(record.path("task").isTextual(), "kept as text: it was not parsed");
        assertEquals(payload.substring(0, 64 * 1024), record.path("task").asText());
        assertFalse(redis.exists(RedisExtension.TASK_PREFIX + "80"), "not even parsed: no status hash");
    }

    @Test
    void unknownFieldsTravelIntoTheDeadLetterRecord() throws Exception {
        Tasks task = aTask().id("81").with("coupon", "SPRING-24").with("utm", redisJson("{\"source\":\"mail\",\"n\":3}"));
        api.answer(task.courseUrl(), EnrollmentApiStub.Answer.rejected("no seats left"));
        pipeline.push(task);

        pipeline.awaitFailed("81");

        JsonNode kept = pipeline.deadLetter("81").path("task");
        assertEquals("SPRING-24", kept.path("coupon").asText());
        assertEquals(3, kept.path("utm").path("n").asInt());
        assertEquals("mail", kept.path("utm").path("source").asText());
    }

    @Test
    void qualityDefaultsToTheSettingWhenTheTaskNamesNone() throws Exception {
        pipeline.push(aTask().id("82"));

        pipeline.awaitCompleted("82");

        String setting = pipeline.settings().text("enrollflow.download.quality");
        assertEquals(setting, pipeline.download().argv().get(4), "argv: " + pipeline.download().argv());
    }

    @Test
    void qualityGivenByTheTaskIsPassedOn() throws Exception {
        pipeline.push(aTask().id("83").quality(1080));

        pipeline.awaitCompleted("83");

        assertEquals("1080", pipeline.download().argv().get(4), "argv: " + pipeline.download().argv());
    }

    @Test
    void invalidQualityFailsTheTaskAsInvalid() throws Exception {
        pipeline.push(aTask().id("84").with("quality", "high"));

        assertEquals("invalid_task", pipeline.awaitFailed("84").get("reason"));
    }

    private JsonNode awaitOnlyInvalidRecord() {
        Pipeline.await(Pipeline.WAIT).until(() -> !redis.deadLetterIds().isEmpty());
        return onlyInvalidRecord();
    }

    private JsonNode onlyInvalidRecord() {
        List<String> ids = redis.deadLetterIds();
        assertEquals(1, ids.size(), ids.toString());
        assertTrue(ids.get(0).matches("invalid-\\d+"), ids.get(0));
        JsonNode record = redis.deadLetter(ids.get(0));
        assertNotNull(record);
        assertEquals(ids.get(0), record.path("taskId").asText());
        return record;
    }

    private static JsonNode redisJson(String json) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    }
}

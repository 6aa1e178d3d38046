package io.enrollflow.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §8 over real HTTP: the management server of a running runtime, its health while Redis goes away and comes
 * back, its metrics after real tasks, and every /api endpoint with no token configured, a wrong one and the right one.
 */
class ManagementApiIT {

    private static final String TOKEN = "mgmt-test-token-7f3a-c29e41";

    /** Every endpoint of the operator API, as method and path. */
    private static final List<String[]> API = List.of(
            new String[] {"GET", "/api/tasks/t1"},
            new String[] {"GET", "/api/dead-letters"},
            new String[] {"GET", "/api/dead-letters?stage=enroll&reason=enrollment_rejected&limit=5"},
            new String[] {"GET", "/api/dead-letters/t1"},
            new String[] {"POST", "/api/dead-letters/t1/replay"},
            new String[] {"POST", "/api/dead-letters/replay?all=true"},
            new String[] {"POST", "/api/dead-letters/replay?reason=enrollment_rejected"},
            new String[] {"POST", "/api/dead-letters/replay?stage=enroll"},
            new String[] {"DELETE", "/api/dead-letters/t1"},
            new String[] {"POST", "/api/intake/pause"},
            new String[] {"POST", "/api/intake/resume"});

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    private final int port = BundledRedis.freePort();
    private final Http http = new Http(port);

    private void start(String token) throws Exception {
        // the tests below send dozens of wrong tokens from one address on purpose: GuessingIT holds the default
        pipeline.set("enrollflow.management.port", Integer.toString(port))
                .set("enrollflow.management.wrong-tokens-per-minute", "1000")
                .set("enrollflow.management.token", token).start();
    }

    private Tasks rejected() {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.rejected("course not found"));
        return task;
    }

    @Test
    void everyApiEndpointAnswers403WhenNoTokenIsConfigured() throws Exception {
        start("");
        for (String[] call : API) {
            for (String token : new String[] {null, "anything"}) {
                Http.Answer answer = http.call(call[0], call[1], token);
                assertEquals(403, answer.status(), call[0] + " " + call[1]);
                assertTrue(answer.json().path("error").asText().contains("enrollflow.management.token"), answer.body());
            }
        }
        assertEquals(0, redis.keys("enrollflow:intake:*").size(), "a refused pause changed nothing");
    }

    @Test
    void everyApiEndpointAnswers401ForAWrongOrMissingToken() throws Exception {
        start(TOKEN);
        for (String[] call : API) {
            for (String token : new String[] {null, "wrong", TOKEN + "x", TOKEN.substring(1)}) {
                Http.Answer answer = http.call(call[0], call[1], token);
                assertEquals(401, answer.status(), call[0] + " " + call[1] + " with " + token);
                assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
                assertNotNull(answer.json().path("error").textValue(), answer.body());
            }
        }
        assertEquals(0, redis.keys("enrollflow:intake:*").size(), "a refused pause changed nothing");
    }

    @Test
    void taskEndpointAnswersTheStatusWithItsHistoryOr404() throws Exception {
        start(TOKEN);
        Tasks task = aTask();
        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        Http.Answer found = http.call("GET", "/api/tasks/" + task.taskId(), TOKEN);
        Http.Answer missing = http.call("GET", "/api/tasks/no-such-task", TOKEN);

        assertEquals(200, found.status(), found.body());
        assertEquals("completed", found.json().path("status").asText());
        assertEquals(task.taskId(), found.json().path("taskId").asText());
        List<String> statuses = found.json().path("history").findValues("status").stream().map(JsonNode::asText).toList();
        assertEquals(List.of("processing", "enrolled", "downloading", "uploading", "completed"), statuses);
        assertEquals(404, missing.status());
        assertTrue(missing.json().path("error").asText().contains("no-such-task"));
    }

    @Test
    void deadLetterEndpointsListShowReplayAndPurge() throws Exception {
        start(TOKEN);
        Tasks one = rejected();
        Tasks two = rejected();
        Tasks three = rejected();
        for (Tasks task : List.of(one, two, three)) {
            pipeline.push(task);
            pipeline.awaitFailed(task.taskId());
        }

        Http.Answer list = http.call("GET", "/api/dead-letters?reason=enrollment_rejected&stage=enroll&limit=2", TOKEN);
        assertEquals(200, list.status(), list.body());
        assertEquals(2, list.json().size());
        assertEquals(0, http.call("GET", "/api/dead-letters?reason=poison", TOKEN).json().size());
        assertEquals(400, http.call("GET", "/api/dead-letters?stage=nowhere", TOKEN).status());
        assertEquals(400, http.call("GET", "/api/dead-letters?limit=0", TOKEN).status());
        Http.Answer further = http.call("GET", "/api/dead-letters?limit=2&offset=2", TOKEN);
        assertEquals(200, further.status(), further.body());
        assertEquals(1, further.json().size(), "the third of three, newest first");
        assertEquals(0, http.call("GET", "/api/dead-letters?offset=3", TOKEN).json().size());
        // %EF%BC%95 is a fullwidth 5, %EF%BC%90 a fullwidth 0: digits to Integer.parseInt, not to the contract
        for (String outOfRange : List.of("limit=1001", "limit=x", "offset=-1", "offset=10000001", "offset=1e3",
                "limit=%EF%BC%95", "offset=%EF%BC%90")) {
            Http.Answer refused = http.call("GET", "/api/dead-letters?" + outOfRange, TOKEN);
            assertEquals(400, refused.status(), outOfRange);
            assertTrue(refused.json().path("error").asText().contains(outOfRange.substring(0, outOfRange.indexOf('='))),
                    refused.body());
        }

        Http.Answer record = http.call("GET", "/api/dead-letters/" + one.taskId(), TOKEN);
        assertEquals(200, record.status());
        assertEquals("enrollment_rejected", record.json().path("reason").asText());
        assertEquals(one.taskId(), record.json().path("task").path("taskId").asText());
        assertEquals(404, http.call("GET", "/api/dead-letters/no-such-task", TOKEN).status());

        api.answer(one.courseUrl(), Answer.success());
        Http.Answer replay = http.call("POST", "/api/dead-letters/" + one.taskId() + "/replay", TOKEN);
        assertEquals(200, replay.status(), replay.body());
        assertEquals(one.taskId(), replay.json().path("replayed").path(0).asText());
        assertEquals(1, replay.json().path("count").asInt());
        pipeline.awaitCompleted(one.taskId());
        assertEquals(404, http.call("POST", "/api/dead-letters/" + one.taskId() + "/replay", TOKEN).status(),
                "a replayed record is gone");

        Http.Answer purge = http.call("DELETE", "/api/dead-letters/" + two.taskId(), TOKEN);
        assertEquals(200, purge.status(), purge.body());
        assertEquals(two.taskId(), purge.json().path("purged").path(0).asText());
        assertEquals(404, http.call("DELETE", "/api/dead-letters/" + two.taskId(), TOKEN).status());
        assertEquals("failed", pipeline.status(two.taskId()).get("status"));

        assertEquals(400, http.call("POST", "/api/dead-letters/replay", TOKEN).status(), "a selection is required");
        api.answer(three.courseUrl(), Answer.success());
        Http.Answer byReason = http.call("POST", "/api/dead-letters/replay?reason=enrollment_rejected", TOKEN);
        assertEquals(200, byReason.status(), byReason.body());
        assertEquals(1, byReason.json().path("count").asInt());
        pipeline.awaitCompleted(three.taskId());
        assertEquals(0, http.call("POST", "/api/dead-letters/replay?all=true", TOKEN).json().path("count").asInt());
        assertNull(pipeline.deadLetter(three.taskId()));
    }

    @Test
    void intakeEndpointsPauseAndResumeTheFleet() throws Exception {
        start(TOKEN);

        Http.Answer paused = http.call("POST", "/api/intake/pause", TOKEN);
        assertEquals(200, paused.status());
        assertEquals("paused", paused.json().path("intake").asText());
        assertTrue(redis.exists("enrollflow:intake:paused"));
        assertEquals("paused", http.get("/observe/health").json().path("checks").path("intake").path("state").asText());

        Http.Answer resumed = http.call("POST", "/api/intake/resume", TOKEN);
        assertEquals(200, resumed.status());
        assertEquals("running", resumed.json().path("intake").asText());
        assertFalse(redis.exists("enrollflow:intake:paused"));
        assertEquals(405, http.call("GET", "/api/intake/pause", TOKEN).status());
    }

    @Test
    void readinessIsDownWhileRedisIsUnreachableAndUpWhenItIsBack() throws Exception {
        start(TOKEN);
        assertHealth("/observe/health/live", 200, "UP");
        assertHealth("/observe/health/ready", 200, "UP");
        assertHealth("/observe/health", 200, "UP");

        redis.server().stop();
        try {
            Pipeline.await(Duration.ofSeconds(10)).until(() -> http.get("/observe/health/ready").status() == 503);
            Http.Answer ready = http.get("/observe/health/ready");
            assertEquals("DOWN", ready.json().path("status").asText());
            assertEquals("DOWN", ready.json().path("checks").path("redis").path("status").asText(), ready.body());
            assertEquals(503, http.get("/observe/health").status());
            assertHealth("/observe/health/live", 200, "UP");
        } finally {
            redis.server().restart();
        }

        Pipeline.await(Duration.ofSeconds(20)).until(() -> http.get("/observe/health/ready").status() == 200);
        assertHealth("/observe/health/ready", 200, "UP");
        Tasks after = aTask();
        pipeline.push(after);
        pipeline.awaitCompleted(after.taskId());
    }

    @Test
    void readinessIsDownOnceTheRuntimeStops() throws Exception {
        start(TOKEN);
        assertHealth("/observe/health/ready", 200, "UP");
        pipeline.stop();
        // stopped: the server is gone with the runtime, so nothing answers (a probe counts that as DOWN)
        assertTrue(refused(() -> http.get("/observe/health/ready")));
    }

    @Test
    void metricsCountRealTasksAndTimeEachStage() throws Exception {
        start(TOKEN);
        Tasks done = aTask();
        Tasks refused = rejected();
        pipeline.push(done);
        pipeline.push(refused);
        pipeline.awaitCompleted(done.taskId());
        pipeline.awaitFailed(refused.taskId());

        Http.Answer answer = http.get("/observe/metrics");
        assertEquals(200, answer.status());
        assertTrue(answer.contentType().startsWith("text/plain"), answer.contentType());
        Scrape metrics = new Scrape(answer.body());

        assertEquals(1.0, metrics.value("enrollflow_tasks_finished_total", "outcome=\"completed\""), metrics.toString());
        assertEquals(1.0, metrics.value("enrollflow_tasks_finished_total", "outcome=\"failed\"",
                "reason=\"enrollment_rejected\""));
        assertEquals(1.0, metrics.value("enrollflow_stage_duration_seconds_count", "stage=\"download\"", "outcome=\"ok\""),
                metrics.toString());
        assertEquals(1.0, metrics.value("enrollflow_stage_duration_seconds_count", "stage=\"deliver\"", "outcome=\"ok\""));
        assertEquals(1.0, metrics.value("enrollflow_stage_duration_seconds_count", "stage=\"enroll\"", "outcome=\"ok\""));
        assertEquals(1.0, metrics.value("enrollflow_stage_duration_seconds_count", "stage=\"enroll\"", "outcome=\"failed\""),
                metrics.toString());
        assertTrue(metrics.value("enrollflow_stage_duration_seconds_sum", "stage=\"download\"") > 0);
        assertTrue(metrics.has("enrollflow_stage_duration_seconds_bucket"), "a histogram");
        assertEquals(0.0, metrics.value("enrollflow_queue_depth"));
        assertEquals(0.0, metrics.value("enrollflow_in_flight"));
        assertEquals(0.0, metrics.value("enrollflow_retry_scheduled"));
        assertEquals(1.0, metrics.value("enrollflow_dead_letters"));
        assertEquals(0.0, metrics.value("enrollflow_intake_paused"));
        assertEquals(0.0, metrics.value("enrollflow_callback_failures_total", "outcome=\"gave_up\""));

        pipeline.push(aTask().json());
        pipeline.runtime().camelContext().getRouteController().stopRoute("pipeline");
        pipeline.push(aTask().json());
        assertTrue(new Scrape(http.get("/observe/metrics").body()).value("enrollflow_queue_depth") >= 1.0,
                "the queue depth is read at each scrape");
    }

    @Test
    void headAnswersMetricsAndHealthLikeGetWithoutABodyAndJsonAnswersCarryNosniff() throws Exception {
        start(TOKEN);
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/observe/metrics", "/observe/health", "/observe/health/live", "/observe/health/ready")) {
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertTrue(head.headers().firstValueAsLong("Content-Length").orElse(0) > 0, path + ": the length GET would have");
        }
        for (String[] call : List.of(new String[] {"/api/dead-letters", TOKEN}, new String[] {"/api/tasks/none", TOKEN},
                new String[] {"/api/dead-letters", "wrong"}, new String[] {"/observe/health", null})) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call[0]));
            if (call[1] != null) {
                request.header("Authorization", "Bearer " + call[1]);
            }
            HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), call[0]);
            assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null), call[0]);
        }
    }

    private void assertHealth(String path, int status, String word) {
        Http.Answer answer = http.get(path);
        assertEquals(status, answer.status(), path + ": " + answer.body());
        assertEquals(word, answer.json().path("status").asText(), answer.body());
        assertTrue(answer.json().path("checks").isObject(), answer.body());
    }

    private static boolean refused(Runnable call) {
        try {
            call.run();
            return false;
        } catch (java.io.UncheckedIOException e) {
            return true;
        }
    }
}

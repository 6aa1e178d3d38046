package io.enrollflow.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §10 through the built jar ({@code run} with no {@code enrollflow.task.allowed-hosts}, folder
 * delivery, the management API on): a course URL naming the metadata service, the machine or the private network is
 * refused before anything is called or run, and a bidi override in a task's text leaves {@code status --json},
 * {@code dlq show|list --json} and the API's answers only as an escape.
 */
class SafeByDefaultIT {

    private static final String TOKEN = "3c9e1a7f5b2d8e4a6c0f9b1d3e5a7c2f";
    private static final String REVERSED = "invoice\u202egnp.exe";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = RedisExtension.keepingDataBetweenTests();
    @RegisterExtension
    @Order(2)
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @TempDir
    static Path dir;

    static DownloadScripts.Script download;
    static EnrollflowJar.Running jar;
    static Http http;

    @BeforeAll
    static void start() {
        download = new DownloadScripts(dir.resolve("scripts")).writesCourse();
        int port = BundledRedis.freePort();
        jar = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", download.command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(port))
                .env("ENROLLFLOW_MANAGEMENT_TOKEN", TOKEN)
                .logTo(dir.resolve("run.log"))
                .start("run");
        http = new Http(port);
        Pipeline.await(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> http.get("/observe/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (jar != null) {
            jar.close();
        }
    }

    @Test
    void runWarnsOnceAtStartThatAnyOtherHostIsAllowed() {
        // refused tasks name the key too; the warning is the start-up's
        List<String> lines = jar.log().lines().filter(line -> line.contains("stage=startup")
                && line.contains("enrollflow.task.allowed-hosts")).toList();

        assertEquals(1, lines.size(), jar.log());
        assertTrue(lines.get(0).contains("WARN"), lines.get(0));
    }

    @Test
    void theMetadataServiceTheMachineAndThePrivateNetworkAreRefusedBeforeAnythingRuns() {
        Map<String, String> urls = Map.of("ssrf-metadata", "http://169.254.169.254/latest/",
                "ssrf-redis", "http://127.0.0.1:6379/", "ssrf-private", "http://10.0.0.7/");
        urls.forEach((id, url) -> redis.lpush(Pipeline.QUEUE, aTask().id(id).courseUrl(url).json()));
        Tasks ordinary = aTask().id("ssrf-ordinary");
        redis.lpush(Pipeline.QUEUE, ordinary.json());

        awaitStatus(ordinary.taskId(), "completed");
        urls.forEach((id, url) -> {
            Map<String, String> status = awaitStatus(id, "failed");
            assertEquals("invalid_task", status.get("reason"), status.toString());
            assertEquals("intake", status.get("stage"), status.toString());
            assertTrue(status.get("message").contains("enrollflow.task.allowed-hosts"), status.toString());
            JsonNode letter = redis.deadLetter(id);
            assertEquals("invalid_task", letter.path("reason").asText(), letter.toString());
            assertEquals(url, letter.path("task").path("courseUrl").asText(), letter.toString());
            assertTrue(api.requestsFor(url).isEmpty(), "the enrollment API never heard of " + url);
        });
        assertEquals(List.of(ordinary.taskId()), download.file("calls").lines().toList(),
                "the download command ran for the ordinary task only");
    }

    @Test
    void aBidiOverrideLeavesTheCliAndTheApiOnlyEscapedAndReadsBackTheSame() throws Exception {
        Tasks task = aTask().id("bidi-1").orderId(REVERSED).with("note", REVERSED);
        redis.lpush(Pipeline.QUEUE, task.json());
        awaitStatus(task.taskId(), "failed");

        JsonNode status = escapedJson(cli("status", task.taskId(), "--json"), "status --json");
        assertEquals(REVERSED, status.path("orderId").asText());
        JsonNode letter = escapedJson(cli("dlq", "show", task.taskId(), "--json"), "dlq show --json");
        assertEquals(REVERSED, letter.path("task").path("orderId").asText());
        assertEquals(REVERSED, letter.path("task").path("note").asText());
        JsonNode letters = escapedJson(cli("dlq", "list", "--json"), "dlq list --json");
        JsonNode listed = null;
        for (JsonNode each : letters) {
            listed = task.taskId().equals(each.path("taskId").asText()) ? each : listed;
        }
        assertEquals(REVERSED, listed == null ? null : listed.path("task").path("note").asText(), letters.toString());

        JsonNode apiStatus = escapedJson(http.call("GET", "/api/tasks/" + task.taskId(), TOKEN).body(), "the API's task");
        assertEquals(REVERSED, apiStatus.path("orderId").asText());
        JsonNode apiLetter = escapedJson(http.call("GET", "/api/dead-letters/" + task.taskId(), TOKEN).body(),
                "the API's dead letter");
        assertEquals(REVERSED, apiLetter.path("task").path("note").asText(), apiLetter.toString());
        escapedJson(http.call("GET", "/api/dead-letters", TOKEN).body(), "the API's dead letters");
    }

    private static String cli(String... args) {
        EnrollflowJar.Result result = EnrollflowJar.in(dir).env("ENROLLFLOW_REDIS_URL", redis.url()).run(args);
        assertEquals(0, result.exitCode(), String.join(" ", args) + ": " + result);
        return result.stdout();
    }

    /** The text holds U+202E only as the escape, and parses as JSON. */
    private static JsonNode escapedJson(String text, String what) throws Exception {
        assertFalse(text.contains("\u202e"), what + " prints the override raw: " + text);
        assertTrue(text.contains("invoice\\u202egnp.exe"), what + " lacks the escape: " + text);
        return JSON.readTree(text);
    }

    private static Map<String, String> awaitStatus(String id, String expected) {
        Pipeline.await(Duration.ofSeconds(60)).alias(id + " " + expected)
                .until(() -> expected.equals(redis.hash(id).get("status")));
        return redis.hash(id);
    }
}

package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §10 on a real run: the built jar ({@code java -jar target/enrollflow.jar run}, a separate JVM, settings
 * from the environment as in production) processes tasks that complete, fail, retry and are invalid, with an
 * enrollment token, a management token, a key file and a callback URL carrying a secret; the API is called with the
 * right token and a wrong one; the process is stopped with SIGTERM. Its whole output (the log is on stderr) must hold
 * no full buyer email, no token and nothing of the key file: in both formats ({@code enrollflow.log.format}), and in
 * JSON every line must be a JSON object whose fields carry the masked values only. The lines written while it stops
 * must be there too: the asynchronous appender is drained before the process exits.
 */
class LogSecrecyIT {

    private static final String ENROLL_TOKEN = "enroll-tok-5b1e9c";
    private static final String MANAGEMENT_TOKEN = "mgmt-tok-8d02aa-91c4-5e7b3f";
    private static final String WRONG_TOKEN = "guessed-tok-13f7";
    private static final String CALLBACK_SECRET = "cb-secret-77e1";
    private static final String KEY_SECRET = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secret";
    /** An email as a log could show it: the masked form is {@code j***@example.com}. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMAIL = Pattern.compile("([A-Za-z0-9._%+*-]+)@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    Path dir;

    private EnrollflowJar.Running process;

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.kill();
        }
    }

    @ParameterizedTest(name = "enrollflow.log.format={0}")
    @ValueSource(strings = {"text", "json"})
    void aRealRunLogsNoFullEmailNoTokenAndNoKey(String format) throws Exception {
        Path jar = Path.of(System.getProperty("enrollflow.jar", "target/enrollflow.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "build the jar first (mvn package): " + jar);
        Path keyFile = dir.resolve("service-account.json");
        Files.writeString(keyFile, "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\n"
                + KEY_SECRET + "\\n-----END PRIVATE KEY-----\\n\",\"client_email\":\"robot@project.iam.gserviceaccount.com\"}");
        int managementPort = BundledRedis.freePort();
        DownloadScripts scripts = new DownloadScripts(dir.resolve("scripts"));
        try (CallbackReceiver callbacks = new CallbackReceiver()) {
            callbacks.answer(500);
            Map<String, String> env = new java.util.HashMap<>();
            env.put("ENROLLFLOW_REDIS_URL", redis.url());
            env.put("ENROLLFLOW_QUEUE_KEY", Pipeline.QUEUE);
            env.put("ENROLLFLOW_ENROLL_URL", api.url());
            env.put("ENROLLFLOW_ENROLL_TOKEN", ENROLL_TOKEN);
            env.put("ENROLLFLOW_ENROLL_TIMEOUT", "2s");
            env.put("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(managementPort));
            env.put("ENROLLFLOW_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN);
            env.put("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", keyFile.toString());
            env.put("ENROLLFLOW_DOWNLOAD_COMMAND", scripts.writesCourse().command());
            env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString());
            env.put("ENROLLFLOW_DELIVERY_TARGET", "folder");
            env.put("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString());
            env.put("ENROLLFLOW_RETRY_MAX_ATTEMPTS", "2");
            env.put("ENROLLFLOW_RETRY_INITIAL_DELAY", "100ms");
            env.put("ENROLLFLOW_RETRY_MAX_DELAY", "200ms");
            env.put("ENROLLFLOW_WORKER_SHUTDOWN_TIMEOUT", "2s");
            env.put("ENROLLFLOW_STATUS_CALLBACK_URL", callbacks.url() + "?token=" + CALLBACK_SECRET);
            env.put("ENROLLFLOW_STATUS_CALLBACK_ATTEMPTS", "1");
            env.put("ENROLLFLOW_STATUS_CALLBACK_TIMEOUT", "1s");
            env.put("ENROLLFLOW_LOG_FORMAT", format);
            Path output = dir.resolve("enrollflow.log");
            process = EnrollflowJar.in(dir).jar(jar).env(env).logTo(output).start("run");

            Http http = new Http(managementPort);
            Pipeline.await(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> http.get("/observe/health/ready").status() == 200);

            Tasks completes = aTask().email("jane.doe@example.com");
            Tasks rejected = aTask().email("rita.rejected@example.org")
                    .courseUrl("https://courses.example.com/course/rejected/");
            // the backend quotes the buyer in its refusal: the log must still mask it
            api.answer(rejected.courseUrl(), Answer.rejected("user rita.rejected@example.org is suspended"));
            Tasks outage = aTask().email("otto.outage@example.net").courseUrl("https://courses.example.com/course/down/");
            api.answer(outage.courseUrl(), Answer.status(503, "{\"error\":\"maintenance\"}"));
            Tasks invalid = aTask().email("ivan.invalid@example").courseUrl("ftp://courses.example.com/x");
            for (Tasks task : List.of(completes, rejected, outage, invalid)) {
                redis.lpush(Pipeline.QUEUE, task.json());
            }
            awaitStatus(completes.taskId(), "completed");
            awaitStatus(rejected.taskId(), "failed");
            awaitStatus(outage.taskId(), "failed");
            awaitStatus(invalid.taskId(), "failed");
            assertEquals(200, http.call("GET", "/api/tasks/" + completes.taskId(), MANAGEMENT_TOKEN).status());
            assertEquals(401, http.call("GET", "/api/tasks/" + completes.taskId(), WRONG_TOKEN).status());
            assertEquals(200, http.call("POST", "/api/dead-letters/" + rejected.taskId() + "/replay", MANAGEMENT_TOKEN).status());
            awaitStatus(rejected.taskId(), "failed");
            assertEquals("Bearer " + ENROLL_TOKEN, api.requests().get(0).header("Authorization"), "the token was in use");
            // the callbacks fail (the receiver answers 500): wait until their giving up is logged
            Pipeline.await(Duration.ofSeconds(15)).until(() -> Files.readString(output, StandardCharsets.UTF_8).contains("outcome=gave-up"));

            process.terminate(); // SIGTERM
            assertEquals(java.util.Optional.of(0), process.exitCode(Duration.ofSeconds(30)), "stopped on SIGTERM with 0");

            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(log.contains("task=" + completes.taskId()) && log.contains("email=j***@example.com"),
                    "the log shows the run, masked:\n" + log);
            // Camel's last line, logged just before the process exits
            assertTrue(log.lines().anyMatch(l -> l.contains("Apache Camel") && l.contains(") shutdown in")),
                    "the lines logged while stopping were written before the process ended:\n" + log);
            if (format.equals("json")) {
                assertJsonLinesWithMaskedFields(log, completes.taskId());
            }
            assertTrue(log.contains("outcome=gave-up"), "a callback failure was logged:\n" + log);
            for (String secret : List.of(ENROLL_TOKEN, MANAGEMENT_TOKEN, WRONG_TOKEN, CALLBACK_SECRET, KEY_SECRET,
                    "BEGIN PRIVATE KEY")) {
                assertFalse(log.contains(secret), "the log holds " + secret + ":\n" + log);
            }
            List<String> fullEmails = new ArrayList<>();
            Matcher m = EMAIL.matcher(log);
            while (m.find()) {
                if (!m.group(1).matches(".\\*\\*\\*")) {
                    fullEmails.add(m.group());
                }
            }
            assertEquals(List.of(), fullEmails, "every email in the log is masked:\n" + log);
        }
    }

    /** Every line one JSON object with the template's fields; the taken line's email field masked. */
    private static void assertJsonLinesWithMaskedFields(String log, String taskId) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode json = JSON.readTree(line);
            assertTrue(json.isObject(), "not a JSON object: " + line);
            for (String field : List.of("timestamp", "level", "logger", "thread", "message")) {
                assertTrue(json.hasNonNull(field), "no " + field + ": " + line);
            }
            lines.add(json);
        }
        JsonNode taken = lines.stream()
                .filter(j -> taskId.equals(j.path("task").asText()) && "taken".equals(j.path("outcome").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no taken line for task " + taskId + ":\n" + log));
        assertEquals("intake", taken.path("stage").asText(), taken.toString());
        assertEquals("j***@example.com", taken.path("email").asText(), taken.toString());
    }

    private void awaitStatus(String taskId, String status) {
        Pipeline.await(Duration.ofSeconds(30)).until(() -> status.equals(redis.hash(taskId).get("status")));
    }
}

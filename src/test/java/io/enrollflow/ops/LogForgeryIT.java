package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Logfmt;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §10, no input can start a line or add a field: the built jar runs a task whose enrollment answer
 * (2xx, success) carries a message written to forge log lines and fields, in both formats. The message tries a line of
 * its own ({@code \n2026-… INFO DeliveryStep - task=victim-9 stage=deliver outcome=completed}), JSON fields of its own
 * ({@code " delivery_url="https://evil.example/steal" level="INFO}), terminal escape sequences, a right-to-left override
 * and the line and paragraph separators. The log must show it as one value of the enrollment line, read back whole, and
 * nothing else.
 */
class LogForgeryIT {

    /** Every line of the text format: time, level, short logger name, message. */
    private static final Pattern TEXT_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} (TRACE|DEBUG|INFO|WARN|ERROR) [\\w$]+ - .*");
    private static final String FORGED = "ok\n2026-12-01T10:15:02.317+0000 INFO DeliveryStep - task=victim-9 stage=deliver"
            + " outcome=completed delivery_url=https://evil.example/steal\" delivery_url=\"https://evil.example/steal\""
            + " level=\"INFO \u001b[2J\u001b]0;pwned\u0007 invoice\u202egnp.exe\u2028line\u2029para\r";
    private static final String RAW_HOSTILE = "\u001b\u0007\u202e\u2028\u2029\r";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    Path dir;

    @ParameterizedTest(name = "enrollflow.log.format={0}")
    @ValueSource(strings = {"text", "json"})
    void anEnrollmentMessageThatForgesLinesAndFieldsIsOneValueOfItsLine(String format) throws Exception {
        Tasks task = aTask().id("forge-1");
        ObjectNode body = JSON.createObjectNode();
        ObjectNode result = body.putArray("results").addObject();
        result.put("success", true);
        result.put("message", FORGED);
        api.answer(task.courseUrl(), Answer.status(200, body.toString()));
        Path output = dir.resolve("enrollflow.log");

        try (EnrollflowJar.Running running = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_QUEUE_KEY", "forge:queue")
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", new DownloadScripts(dir.resolve("scripts")).writesCourse().command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                .env("ENROLLFLOW_LOG_FORMAT", format)
                .logTo(output)
                .start("run")) {
            redis.lpush("forge:queue", task.json());
            Pipeline.await(Duration.ofSeconds(60)).until(() -> {
                assertTrue(running.isAlive(), "the worker exited:\n" + running.log());
                return "completed".equals(redis.hash(task.taskId()).get("status"));
            });
            running.terminate();
            assertEquals(java.util.Optional.of(0), running.exitCode(Duration.ofSeconds(30)));
        }

        String log = Files.readString(output, StandardCharsets.UTF_8);
        for (char c : RAW_HOSTILE.toCharArray()) {
            assertFalse(log.indexOf(c) >= 0, "a raw U+" + Integer.toHexString(c) + " in the log:\n" + log);
        }
        List<String> lines = log.lines().filter(l -> !l.isEmpty()).toList();
        if (format.equals("text")) {
            assertTextHoldsTheMessageInItsValue(lines, task.taskId());
        } else {
            assertJsonHoldsTheMessageInItsField(lines, task.taskId());
        }
    }

    private static void assertTextHoldsTheMessageInItsValue(List<String> lines, String taskId) {
        String all = String.join("\n", lines);
        Map<String, String> enrolled = null;
        for (String line : lines) {
            assertTrue(TEXT_LINE.matcher(line).matches(), "not a log line of its own: " + line + "\n" + all);
            String message = line.substring(line.indexOf(" - ") + 3);
            if (!message.startsWith("task=")) {
                continue; // Camel's and Redisson's sentences
            }
            Map<String, String> fields = Logfmt.parse(message);
            assertFalse("victim-9".equals(fields.get("task")), "a forged task line: " + line);
            assertFalse(fields.containsKey("delivery_url") && fields.get("delivery_url").contains("evil"), line);
            if (line.contains(" EnrollmentClient - task=" + taskId + " ")) {
                enrolled = fields;
            }
        }
        assertTrue(enrolled != null, "no enrollment line:\n" + all);
        assertEquals(List.of("task", "stage", "outcome", "http_status", "message"), List.copyOf(enrolled.keySet()), all);
        assertEquals("enrolled", enrolled.get("outcome"));
        assertEquals(FORGED.trim(), enrolled.get("message"), "the message, read back whole");
    }

    private static void assertJsonHoldsTheMessageInItsField(List<String> lines, String taskId) throws Exception {
        JsonNode enrolled = null;
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            assertTrue(json.isObject(), "not one JSON object: " + line);
            assertTrue(Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(json.path("level").asText()), line);
            assertFalse(json.path("delivery_url").asText().contains("evil"), "a forged field: " + line);
            assertFalse("victim-9".equals(json.path("task").asText()), "a forged task: " + line);
            if (taskId.equals(json.path("task").asText()) && "enroll".equals(json.path("stage").asText())) {
                enrolled = json;
            }
        }
        assertTrue(enrolled != null, "no enrollment line:\n" + String.join("\n", lines));
        List<String> names = new ArrayList<>();
        enrolled.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("timestamp", "level", "logger", "thread", "message", "task", "stage", "outcome", "http_status",
                "kv_message"), names, enrolled.toString());
        assertEquals("INFO", enrolled.get("level").asText());
        assertEquals(FORGED.trim(), enrolled.get("kv_message").asText(), "the message, read back whole");
        for (char c : RAW_HOSTILE.toCharArray()) {
            assertFalse(enrolled.get("message").asText().indexOf(c) >= 0,
                    "the message text holds U+" + Integer.toHexString(c) + ": " + enrolled);
        }
    }
}

package io.enrollflow.deadletter;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskParser;
import io.enrollflow.task.TaskRun;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record {@link DeadLetterStore#record} writes, read back as {@link DeadLetter} reads it. */
class DeadLetterJsonTest {

    private static final String NOW = "2026-12-01T09:00:00Z";

    @Test
    void aRecordKeepsThePayloadAsJsonWithAttemptsAndFirstFailureFromTheStatus() {
        TaskRun run = new TaskRun(aTask().id("39").orderId("1007").json(), "processing");

        DeadLetter letter = DeadLetter.parse(DeadLetterJson.record("39", run, Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED,
                "exit 1", Map.of("attempts", "3", "firstFailedAt", "2026-12-01T08:00:00Z", "replays", "1"), NOW));

        assertEquals("39", letter.taskId());
        assertEquals("1007", letter.task().path("orderId").asText());
        assertEquals("download", letter.stage());
        assertEquals("download_failed", letter.reason());
        assertEquals(3, letter.attempts());
        assertEquals(1, letter.replays());
        assertEquals("2026-12-01T08:00:00Z", letter.json().path("firstFailedAt").asText());
        assertEquals(NOW, letter.lastFailedAt());
        assertFalse(letter.json().has("log"), "no download ran: no log");
    }

    @Test
    void aTaskWithoutStatusFailsForTheFirstTimeNow() {
        DeadLetter letter = DeadLetter.parse(DeadLetterJson.record("invalid-1", new TaskRun("not json", "processing"),
                Stage.INTAKE, FailureReason.INVALID_TASK, "not JSON", Map.of(), NOW));

        assertEquals(1, letter.attempts());
        assertEquals(0, letter.replays());
        assertEquals(NOW, letter.json().path("firstFailedAt").asText());
        assertTrue(letter.task().isTextual(), "text that is not JSON is kept as text");
        assertEquals("not json", letter.task().asText());
    }

    @Test
    void aPayloadOverTheIntakeLimitIsKeptCutAsText() {
        String huge = "{\"taskId\":\"39\",\"pad\":\"" + "x".repeat(TaskParser.MAX_PAYLOAD_BYTES) + "\"}";

        DeadLetter letter = DeadLetter.parse(DeadLetterJson.record("39", new TaskRun(huge, "processing"), Stage.INTAKE,
                FailureReason.INVALID_TASK, "the payload is over 64 KiB", Map.of(), NOW));

        assertTrue(letter.task().isTextual());
        assertEquals(DeadLetterJson.MAX_KEPT_PAYLOAD_CHARS, letter.task().asText().length());
        assertEquals(huge.substring(0, DeadLetterJson.MAX_KEPT_PAYLOAD_CHARS), DeadLetterJson.cut(huge));
    }
}

package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.LogCapture;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §6 through the operator's command line: tasks fail for real in the running pipeline, then
 * {@code dlq replay} (by id, reason, stage, all) puts them back and they complete once the cause is fixed, and
 * {@code dlq purge} removes records.
 */
class ReplayIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api).set("enrollflow.management.port", "0");
    @RegisterExtension
    final LogCapture log = new LogCapture();
    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli(dir, Map.of("enrollflow.redis.url", redis.url(), "enrollflow.queue.key", Pipeline.QUEUE));
    }

    /** A task whose enrollment fails for good (the API keeps answering 503): enrollment_unavailable. */
    private Tasks outageVictim() {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.status(503, "{\"error\":\"down for maintenance\"}"));
        return task;
    }

    /** A task the API refuses: enrollment_rejected. */
    private Tasks rejected() {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.rejected("course not found"));
        return task;
    }

    private void backendFixed(Tasks... tasks) {
        for (Tasks task : tasks) {
            api.answer(task.courseUrl(), Answer.success());
        }
    }

    @Test
    void replayByIdPutsTheTaskBackAndItCompletesOnceTheBackendIsFixed() throws Exception {
        pipeline.start();
        Tasks task = outageVictim();
        pipeline.push(task);
        pipeline.awaitFailed(task.taskId());
        assertEquals("enrollment_unavailable", pipeline.awaitDeadLetter(task.taskId()).path("reason").asText());

        backendFixed(task);
        Cli.Result result = cli().run("dlq", "replay", task.taskId());

        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("replayed " + task.taskId() + " (enrollment_unavailable at enroll, replay 1)", "1 replayed"),
                result.lines());
        Map<String, String> status = pipeline.awaitCompleted(task.taskId());
        assertEquals("1", status.get("replays"));
        assertEquals("1", status.get("attempts"), "a replay starts the attempts afresh");
        assertNull(pipeline.deadLetter(task.taskId()));
    }

    @Test
    void replayByReasonReplaysOnlyTheTasksThatFailedForThatReason() throws Exception {
        pipeline.start();
        Tasks down1 = outageVictim();
        Tasks down2 = outageVictim();
        Tasks refused = rejected();
        for (Tasks task : List.of(down1, down2, refused)) {
            pipeline.push(task);
        }
        pipeline.awaitFailed(down1.taskId());
        pipeline.awaitFailed(down2.taskId());
        pipeline.awaitFailed(refused.taskId());

        backendFixed(down1, down2);
        Cli.Result result = cli().run("dlq", "replay", "--reason", "enrollment_unavailable");

        assertEquals(0, result.exitCode(), result.err());
        assertEquals("2 replayed", result.lines().get(result.lines().size() - 1));
        pipeline.awaitCompleted(down1.taskId());
        pipeline.awaitCompleted(down2.taskId());
        assertEquals("failed", pipeline.status(refused.taskId()).get("status"));
        assertNotNull(pipeline.deadLetter(refused.taskId()), "the rejected task's record stays");
    }

    @Test
    void replayByStageReplaysOnlyThatStagesFailures() throws Exception {
        Script flaky = pipeline.scripts().custom("fails-first", """
                if [ "$(wc -l < "$SCRIPT_DIR/fails-first.calls")" -le 3 ]; then echo "server hung up"; exit 3; fi
                mkdir -p "$1/Module 1" && printf 'welcome\\n' > "$1/Module 1/intro.txt"
                """);
        pipeline.downloadCommand(flaky.command()).start();
        Tasks download = aTask();
        pipeline.push(download);
        assertEquals("download_failed", pipeline.awaitDeadLetter(download.taskId()).path("reason").asText());
        Tasks refused = rejected();
        pipeline.push(refused);
        pipeline.awaitFailed(refused.taskId());

        Cli.Result result = cli().run("dlq", "replay", "--stage", "download");

        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("replayed " + download.taskId() + " (download_failed at download, replay 1)", "1 replayed"),
                result.lines());
        pipeline.awaitCompleted(download.taskId());
        assertNotNull(pipeline.deadLetter(refused.taskId()));
    }

    @Test
    void replayAllReplaysEveryDeadLetter() throws Exception {
        pipeline.start();
        Tasks down = outageVictim();
        Tasks refused = rejected();
        pipeline.push(down);
        pipeline.push(refused);
        pipeline.awaitFailed(down.taskId());
        pipeline.awaitFailed(refused.taskId());

        backendFixed(down, refused);
        Cli.Result result = cli().run("dlq", "replay", "--all");

        assertEquals(0, result.exitCode(), result.err());
        assertEquals("2 replayed", result.lines().get(2));
        pipeline.awaitCompleted(down.taskId());
        pipeline.awaitCompleted(refused.taskId());
        assertTrue(redis.deadLetterIds().isEmpty());
    }

    @Test
    void replayOfAnUnknownIdExitsOneAndStillReplaysTheOthers() throws Exception {
        pipeline.start();
        Tasks refused = rejected();
        pipeline.push(refused);
        pipeline.awaitFailed(refused.taskId());
        pipeline.stop();

        Cli.Result result = cli().run("dlq", "replay", "no-such-task", refused.taskId());

        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("no dead letter for no-such-task"), result.err());
        assertEquals("1 replayed, 1 not found", result.lines().get(result.lines().size() - 1));
        assertEquals(List.of(refused.json()), redis.list(Pipeline.QUEUE));
    }

    @Test
    void replayWithoutASelectionIsAUsageError() {
        Cli.Result result = cli().run("dlq", "replay");

        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--all"), result.err());
    }

    @Test
    void purgeRemovesTheRecordAndItsPayloadButTheTaskStaysFailed() throws Exception {
        pipeline.start();
        Tasks refused = rejected();
        pipeline.push(refused);
        pipeline.awaitFailed(refused.taskId());

        Cli.Result result = cli().run("dlq", "purge", refused.taskId());

        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("purged " + refused.taskId(), "1 purged"), result.lines());
        assertNull(pipeline.deadLetter(refused.taskId()));
        assertTrue(redis.deadLetterIds().isEmpty());
        assertFalse(redis.client().getMap("enrollflow:dead-letters:payloads").containsKey(refused.taskId()));
        assertEquals("failed", pipeline.status(refused.taskId()).get("status"));
        assertEquals(1, cli().run("dlq", "purge", refused.taskId()).exitCode(), "a second purge finds nothing");
    }

    @Test
    void purgeAllWantsYesThenRemovesEveryRecord() throws Exception {
        pipeline.start();
        Tasks one = rejected();
        Tasks two = rejected();
        pipeline.push(one);
        pipeline.push(two);
        pipeline.awaitFailed(one.taskId());
        pipeline.awaitFailed(two.taskId());

        Cli.Result refusedPurge = cli().run("dlq", "purge", "--all");
        assertEquals(2, refusedPurge.exitCode());
        assertTrue(refusedPurge.err().contains("--yes"), refusedPurge.err());
        assertEquals(2, redis.deadLetterIds().size(), "nothing was purged without --yes");

        Cli.Result purge = cli().run("dlq", "purge", "--all", "--yes");
        assertEquals(0, purge.exitCode(), purge.err());
        assertEquals("2 purged", purge.lines().get(2));
        assertTrue(redis.deadLetterIds().isEmpty());
        assertTrue(redis.rawHash("enrollflow:dead-letters").isEmpty());
    }

    @Test
    void everyNewRecordPastTheWarnSizeLogsAWarning() throws Exception {
        pipeline.set("enrollflow.dead-letter.warn-size", "1").start();
        Tasks first = rejected();
        pipeline.push(first);
        pipeline.awaitFailed(first.taskId());
        assertFalse(log.text().contains("dead letters are piling up"), "one record is not past a warn-size of 1");

        Tasks second = rejected();
        pipeline.push(second);
        pipeline.awaitFailed(second.taskId());
        Pipeline.await(java.time.Duration.ofSeconds(5)).until(() -> log.text().contains("dead letters are piling up"));

        String warning = log.text().lines().filter(l -> l.contains("dead letters are piling up")).findFirst().orElseThrow();
        assertTrue(warning.contains("WARN"), warning);
        assertTrue(warning.contains("task=" + second.taskId()) && warning.contains("dead_letters=2"), warning);
        JsonNode kept = pipeline.deadLetter(first.taskId());
        assertNotNull(kept, "nothing is dropped past the warn-size");
    }
}

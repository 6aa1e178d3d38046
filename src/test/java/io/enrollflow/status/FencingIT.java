package io.enrollflow.status;

import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.retry.Backoff;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fencing in every script a run writes through (docs/contract.md §3, §7: "no run that has lost its claim writes anything about
 * the task"): run A claims a task, its instance is presumed dead and run B takes the task over; every write A then
 * tries — a transition, the Drive folder id, the completion with its acknowledgement, a retry, a dead letter — is
 * refused by Redis with nothing changed, while B's go through.
 */
class FencingIT {

    private static final RedisKeys KEYS = RedisKeys.defaults();
    private static final String PROCESSING_A = KEYS.processing("alpha");
    private static final String PROCESSING_B = KEYS.processing("beta");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private StatusStore asAlpha;
    private StatusStore asBeta;
    private RetrySchedule retriesAsAlpha;
    private DeadLetterStore deadLettersAsAlpha;
    private Tasks task;
    private TaskRun stale;
    private TaskRun current;

    @BeforeEach
    void aTaskTakenOverFromAStalledRun() {
        RedisScripts scripts = new RedisScripts(redis.client());
        asAlpha = new StatusStore(redis.client(), scripts, KEYS, 50, new Membership("alpha"), 5);
        asBeta = new StatusStore(redis.client(), scripts, KEYS, 50, new Membership("beta"), 5);
        retriesAsAlpha = new RetrySchedule(scripts, KEYS, asAlpha, new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(5)), 5);
        deadLettersAsAlpha = new DeadLetterStore(redis.client(), scripts, KEYS, asAlpha, 10_000);
        task = aTask();
        stale = take(asAlpha, PROCESSING_A);
        asAlpha.transition(stale, TaskStatus.DOWNLOADING, Stage.DOWNLOAD, "downloading"); // alpha stalls here
        current = take(asBeta, PROCESSING_B); // alpha has no heartbeat: presumed dead, its claim taken over
    }

    private TaskRun take(StatusStore store, String processing) {
        redis.client().getList(processing, StringCodec.INSTANCE).add(task.json());
        TaskRun run = new TaskRun(task.json(), processing);
        run.taskId(task.taskId());
        run.claimToken(store.claim(run, "", task.courseUrl()).token());
        run.attempt(1);
        return run;
    }

    /** Everything a write of the stale run could touch. */
    private Map<String, Object> everything() {
        return Map.of("hash", redis.hash(task.taskId()), "history", redis.list(KEYS.history(task.taskId())),
                "claim", String.valueOf(redis.client().getBucket(KEYS.claim(task.taskId()), StringCodec.INSTANCE).get()),
                "processingA", redis.list(PROCESSING_A), "processingB", redis.list(PROCESSING_B),
                "retries", redis.client().getScoredSortedSet(KEYS.retries(), StringCodec.INSTANCE).readAll(),
                "deadLetters", redis.deadLetterIds());
    }

    @Test
    void aTransitionWithAStaleTokenChangesNothing() {
        Map<String, Object> before = everything();

        assertThrows(ClaimLostException.class,
                () -> asAlpha.transition(stale, TaskStatus.UPLOADING, Stage.DELIVER, "delivering"));

        assertEquals(before, everything());
        assertTrue(stale.fenced(), "the run is fenced: it stops");
    }

    @Test
    void aCompletionWithAStaleTokenNeitherCompletesNorAcknowledges() {
        Map<String, Object> before = everything();

        assertThrows(ClaimLostException.class, () -> asAlpha.complete(stale, "https://drive.example/stale"));

        assertEquals(before, everything());
        assertEquals(List.of(task.json()), redis.list(PROCESSING_A), "not acknowledged");
    }

    @Test
    void aDriveFolderIdWithAStaleTokenIsNotWritten() {
        Map<String, Object> before = everything();

        assertThrows(ClaimLostException.class, () -> asAlpha.putField(stale, "driveFolderId", "stale-folder"));

        assertEquals(before, everything());
    }

    @Test
    void aRetryWithAStaleTokenSchedulesNothing() {
        Map<String, Object> before = everything();

        assertThrows(ClaimLostException.class,
                () -> retriesAsAlpha.schedule(stale, Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED, "exit 1"));

        assertEquals(before, everything());
    }

    @Test
    void aDeadLetterWithAStaleTokenRecordsNothing() {
        Map<String, Object> before = everything();

        assertThrows(ClaimLostException.class,
                () -> deadLettersAsAlpha.record(stale, Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED, "exit 1"));

        assertEquals(before, everything());
    }

    @Test
    void aStageBoundaryStopsTheStaleRunBeforeItStartsAnything() {
        assertThrows(ClaimLostException.class, () -> asAlpha.ensureClaimed(stale));
        assertTrue(stale.fenced());
    }

    @Test
    void aCompletionSentAgainByTheRunThatCompletedOnlyAcknowledges() {
        // a failover cut the connection after the completion reached the replica: the client sends it again
        asBeta.ensureClaimed(current);
        asBeta.complete(current, "https://drive.example/b");

        asBeta.complete(current, "https://drive.example/b");

        assertEquals("completed", redis.hash(task.taskId()).get("status"));
        assertEquals(1, redis.list(KEYS.history(task.taskId())).stream().filter(e -> e.contains("\"completed\"")).count());
    }

    @Test
    void theCurrentHolderWritesAndCompletesOnce() {
        asBeta.ensureClaimed(current);
        asBeta.putField(current, "driveFolderId", "folder-b");
        asBeta.transition(current, TaskStatus.UPLOADING, Stage.DELIVER, "delivering");
        asBeta.complete(current, "https://drive.example/b");
        assertThrows(ClaimLostException.class, () -> asAlpha.complete(stale, "https://drive.example/stale"));

        Map<String, String> hash = redis.hash(task.taskId());
        assertEquals("completed", hash.get("status"));
        assertEquals("https://drive.example/b", hash.get("deliveryUrl"));
        assertEquals("folder-b", hash.get("driveFolderId"));
        assertEquals(1, redis.list(KEYS.history(task.taskId())).stream().filter(e -> e.contains("\"completed\"")).count());
        assertEquals(List.of(), redis.list(PROCESSING_B), "acknowledged by its decision");
    }
}

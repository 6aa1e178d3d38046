package io.enrollflow.ops;

import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §6 "in one atomic step": replay.lua against a real Redis, no runtime consuming the queue, so what the
 * script did stays visible. Records are made by the real stores, as a failing run makes them.
 */
class ReplayScriptIT {

    private static final String PROCESSING = RedisKeys.defaults().processing("replay-script-test");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @TempDir
    Path dir;

    private StatusStore status;
    private DeadLetterStore deadLetters;
    private ReplayService replays;

    @BeforeEach
    void stores() {
        RedisKeys keys = RedisKeys.defaults();
        RedisScripts scripts = new RedisScripts(redis.client());
        status = new StatusStore(redis.client(), scripts, keys, 50, "replay-script-test", 5);
        deadLetters = new DeadLetterStore(redis.client(), scripts, keys, status, 10_000);
        replays = new ReplayService(scripts, keys, status, deadLetters);
    }

    /** A task taken, claimed and dead-lettered by the real stores: what a failed run leaves. */
    private Tasks deadLettered() {
        Tasks task = aTask();
        redis.client().getList(PROCESSING).add(task.json());
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        run.claimToken(status.claim(run, "1007", task.courseUrl()).token());
        deadLetters.record(run, Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE, "HTTP 503");
        assertNotNull(redis.deadLetter(task.taskId()));
        return task;
    }

    @Test
    void replayRemovesTheRecordAndQueuesThePayloadInOneStep() {
        Tasks task = deadLettered();

        ReplayService.Outcome outcome = replays.replay(List.of(task.taskId()));

        assertEquals(List.of(task.taskId()), outcome.done());
        assertEquals(List.of(task.json()), redis.list(Pipeline.QUEUE), "the payload as received, once");
        assertTrue(redis.deadLetterIds().isEmpty());
        assertTrue(redis.rawHash("enrollflow:dead-letters").isEmpty());
        assertTrue(redis.rawHash("enrollflow:dead-letters:payloads").isEmpty());
        Map<String, String> hash = redis.hash(task.taskId());
        assertEquals("queued", hash.get("status"));
        assertEquals("1", hash.get("replays"));
        assertTrue(redis.list(RedisExtension.TASK_PREFIX + task.taskId() + ":history").get(0).contains("\"queued\""));
    }

    @Test
    void aSecondReplayOfTheSameIdChangesNothingAndTheCliExitsOne() {
        Tasks task = deadLettered();
        replays.replay(List.of(task.taskId()));

        ReplayService.Outcome again = replays.replay(List.of(task.taskId()));
        Cli.Result cli = new Cli(dir, Map.of("enrollflow.redis.url", redis.url(), "enrollflow.queue.key", Pipeline.QUEUE))
                .run("dlq", "replay", task.taskId());

        assertEquals(List.of(task.taskId()), again.unknown());
        assertEquals(1, cli.exitCode());
        assertEquals(List.of(task.json()), redis.list(Pipeline.QUEUE), "still exactly one copy on the queue");
        assertEquals("1", redis.hash(task.taskId()).get("replays"));
    }

    @Test
    void concurrentReplaysOfOneRecordPushTheTaskExactlyOnce() throws Exception {
        Tasks task = deadLettered();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ReplayService.Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return replays.replay(List.of(task.taskId()));
            }));
        }
        go.countDown();
        int replayed = 0;
        for (Future<ReplayService.Outcome> result : results) {
            replayed += result.get().done().size();
        }
        pool.shutdown();

        assertEquals(1, replayed);
        assertEquals(1, redis.llen(Pipeline.QUEUE));
        assertEquals("1", redis.hash(task.taskId()).get("replays"));
    }

    @Test
    void aRecordWhosePayloadIsMissingIsLeftWholeRatherThanHalfReplayed() {
        Tasks task = deadLettered();
        redis.client().getMap("enrollflow:dead-letters:payloads").remove(task.taskId());

        ReplayService.Outcome outcome = replays.replay(List.of(task.taskId()));

        assertEquals(List.of(task.taskId()), outcome.unknown());
        assertNotNull(redis.deadLetter(task.taskId()), "the record stays: nothing was pushed, so nothing is removed");
        assertEquals(0, redis.llen(Pipeline.QUEUE));
        assertEquals("failed", redis.hash(task.taskId()).get("status"));
    }

    @Test
    void purgeLeavesTheStatusFailedAndNothingBehind() {
        Tasks task = deadLettered();

        ReplayService.Outcome outcome = replays.purge(List.of(task.taskId(), "never-failed"));

        assertEquals(List.of(task.taskId()), outcome.done());
        assertEquals(List.of("never-failed"), outcome.unknown());
        assertFalse(redis.exists("enrollflow:dead-letters"));
        assertFalse(redis.exists("enrollflow:dead-letters:index"));
        assertFalse(redis.exists("enrollflow:dead-letters:payloads"));
        assertEquals("failed", redis.hash(task.taskId()).get("status"));
    }
}

package io.enrollflow.status;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A completion takes the worker's next task in its own Redis step (one round trip fewer per task than the
 * completion and a BLMOVE): the oldest queued payload moves into the worker's processing list, exactly as the BLMOVE
 * would have moved it, and only when the consumer asks and the completion was written.
 */
class CompletionTakesNextIT {

    private static final RedisKeys KEYS = RedisKeys.defaults();
    private static final String PROCESSING = KEYS.processing("takes-next-test");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private StatusStore status;

    @BeforeEach
    void store() {
        status = new StatusStore(redis.client(), new RedisScripts(redis.client()), KEYS, 50, "takes-next-test", 5);
    }

    /** A run of the task as the consumer starts it: taken into the processing list, claimed. */
    private TaskRun taken(Tasks task, String nextQueue) {
        redis.client().getList(PROCESSING, StringCodec.INSTANCE).add(0, task.json());
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        run.claimToken(status.claim(run, "", task.courseUrl()).token());
        run.takeNextFrom(() -> nextQueue);
        return run;
    }

    @Test
    void theCompletionMovesTheOldestQueuedTaskIntoTheProcessingList() {
        Tasks older = aTask();
        Tasks newer = aTask();
        redis.lpush(KEYS.queue(), older.json());
        redis.lpush(KEYS.queue(), newer.json());
        Tasks task = aTask();
        TaskRun run = taken(task, KEYS.queue());

        status.complete(run, "file:///delivered/" + task.taskId());

        assertEquals(older.json(), run.next());
        assertEquals(List.of(older.json()), redis.list(PROCESSING), "the finished task acknowledged, the next one held");
        assertEquals(List.of(newer.json()), redis.list(KEYS.queue()));
        assertEquals("completed", redis.hash(task.taskId()).get("status"));
    }

    @Test
    void onAnEmptyQueueTheCompletionTakesNothing() {
        TaskRun run = taken(aTask(), KEYS.queue());

        status.complete(run, "file:///delivered/x");

        assertNull(run.next());
        assertEquals(List.of(), redis.list(PROCESSING));
    }

    @Test
    void whenTheConsumerAsksForNoneNothingIsTaken() {
        Tasks queued = aTask();
        redis.lpush(KEYS.queue(), queued.json());
        TaskRun run = taken(aTask(), null);

        status.complete(run, "file:///delivered/x");

        assertNull(run.next());
        assertEquals(List.of(queued.json()), redis.list(KEYS.queue()));
    }

    @Test
    void aTransitionOnTheWayTakesNothing() {
        Tasks queued = aTask();
        redis.lpush(KEYS.queue(), queued.json());
        TaskRun run = taken(aTask(), KEYS.queue());

        status.transition(run, TaskStatus.UPLOADING, Stage.DELIVER, "delivering");

        assertNull(run.next());
        assertEquals(List.of(queued.json()), redis.list(KEYS.queue()));
    }

    @Test
    void aFencedCompletionWritesNothingAndTakesNothing() {
        Tasks queued = aTask();
        redis.lpush(KEYS.queue(), queued.json());
        Tasks task = aTask();
        TaskRun run = taken(task, KEYS.queue());
        // another run holds the claim now (this instance was presumed dead and the task taken over)
        redis.client().getBucket(KEYS.claim(task.taskId()), StringCodec.INSTANCE).set("99 other-instance e1");

        assertThrows(ClaimLostException.class, () -> status.complete(run, "file:///delivered/x"));

        assertNull(run.next());
        assertEquals(List.of(queued.json()), redis.list(KEYS.queue()));
        assertEquals(List.of(task.json()), redis.list(PROCESSING));
        assertEquals("processing", redis.hash(task.taskId()).get("status"));
    }
}

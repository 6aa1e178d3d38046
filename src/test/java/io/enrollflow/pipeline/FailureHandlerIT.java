package io.enrollflow.pipeline;

import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.queue.InFlight;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.retry.Backoff;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.status.Membership;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TaskRun;
import io.enrollflow.task.TransientTaskException;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FailureHandler's outcomes against a real Redis (docs/contract.md §6, §7): what is retried, what is dead-lettered at once,
 * what ends as internal_error, and what decides nothing at all.
 */
class FailureHandlerIT {

    private static final RedisKeys KEYS = RedisKeys.defaults();
    private static final String PROCESSING = KEYS.processing("failure-handler-test");
    private static final int MAX_ATTEMPTS = 3;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private StatusStore status;
    private FailureHandler failures;

    @BeforeEach
    void handler() {
        RedisScripts scripts = new RedisScripts(redis.client());
        status = new StatusStore(redis.client(), scripts, KEYS, 50, new Membership("failure-handler-test"), 5);
        failures = new FailureHandler(
                new RetrySchedule(scripts, KEYS, status, new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(5)), MAX_ATTEMPTS),
                new DeadLetterStore(redis.client(), scripts, KEYS, status, 10_000), status, new InFlight());
    }

    /** A run that took and claimed the task, at the given attempt, in the given stage. */
    private TaskRun claimed(Tasks task, int attempt, Stage stage) {
        redis.client().getList(PROCESSING, StringCodec.INSTANCE).add(task.json());
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        run.claimToken(status.claim(run, "", task.courseUrl()).token());
        run.attempt(attempt);
        run.stage(stage);
        return run;
    }

    private static String reason(Tasks task) {
        return redis.hash(task.taskId()).get("reason");
    }

    @Test
    void aFinalFailureIsDeadLetteredAtOnceWithItsReason() {
        Tasks task = aTask();
        TaskRun run = claimed(task, 1, Stage.ENROLL);

        failures.decide(run, new TaskFailedException(FailureReason.ENROLLMENT_REJECTED, "course not found"));

        assertEquals("failed", redis.hash(task.taskId()).get("status"));
        assertEquals("enrollment_rejected", redis.deadLetter(task.taskId()).get("reason").asText());
        assertEquals(List.of(), redis.list(PROCESSING), "released with the decision");
        assertTrue(run.decided());
    }

    @Test
    void aTransientFailureIsRetriedWhileAttemptsRemainThenDeadLetteredWithItsStageReason() {
        Tasks task = aTask();
        failures.decide(claimed(task, 1, Stage.DOWNLOAD),
                new TransientTaskException(FailureReason.DOWNLOAD_FAILED, "exit 1"));
        assertEquals("retrying", redis.hash(task.taskId()).get("status"));

        Tasks last = aTask();
        failures.decide(claimed(last, MAX_ATTEMPTS, Stage.DOWNLOAD),
                new TransientTaskException(FailureReason.DOWNLOAD_FAILED, "exit 1"));
        assertEquals("failed", redis.hash(last.taskId()).get("status"));
        assertEquals("download_failed", reason(last));
    }

    @Test
    void anIoErrorIsRetriedWithItsStageReason() {
        Tasks task = aTask();
        failures.decide(claimed(task, MAX_ATTEMPTS, Stage.DELIVER), new IOException("connection reset"));

        assertEquals("delivery_failed", reason(task));
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorRetriedThenDeadLettered() {
        Tasks task = aTask();
        failures.decide(claimed(task, 1, Stage.DELIVER), new NullPointerException("a bug"));
        Map<String, String> hash = redis.hash(task.taskId());
        assertEquals("retrying", hash.get("status"));
        assertEquals("internal_error", hash.get("reason"), "not delivery_failed: the task did nothing wrong");

        Tasks last = aTask();
        failures.decide(claimed(last, MAX_ATTEMPTS, Stage.INTAKE), new IllegalStateException("a bug"));
        assertEquals("failed", redis.hash(last.taskId()).get("status"));
        assertEquals("internal_error", redis.deadLetter(last.taskId()).get("reason").asText(), "not invalid_task");
    }

    @Test
    void aRedisErrorThatIsNoConnectionFailureIsAnInternalError() {
        Tasks task = aTask();

        failures.decide(claimed(task, 1, Stage.DOWNLOAD),
                new RedisException("WRONGTYPE Operation against a key holding the wrong kind of value"));

        assertEquals("retrying", redis.hash(task.taskId()).get("status"));
        assertEquals("internal_error", reason(task));
    }

    @Test
    void aConnectionFailureOrTimeoutDecidesNothing() {
        for (RedisException outage : List.of(new RedisConnectionException("refused"), new RedisTimeoutException("slow"))) {
            Tasks task = aTask();
            TaskRun run = claimed(task, 1, Stage.DOWNLOAD);

            assertThrows(IllegalStateException.class, () -> failures.decide(run, new IllegalStateException("wrapped", outage)));

            assertEquals("processing", redis.hash(task.taskId()).get("status"));
            assertEquals(List.of(task.json()), redis.list(PROCESSING), "left for recovery");
            redis.client().getList(PROCESSING, StringCodec.INSTANCE).delete();
        }
    }

    @Test
    void aRunThatLostItsClaimWritesNothing() {
        Tasks task = aTask();
        TaskRun run = claimed(task, 1, Stage.DOWNLOAD);
        run.fence();

        assertThrows(ClaimLostException.class,
                () -> failures.decide(run, new TransientTaskException(FailureReason.DOWNLOAD_FAILED, "killed")));

        assertEquals("processing", redis.hash(task.taskId()).get("status"));
        assertNull(redis.deadLetter(task.taskId()));
        assertEquals(List.of(task.json()), redis.list(PROCESSING), "not acknowledged");
    }

    @Test
    void aRunThatDecidedNothingIsAnInternalError() {
        Tasks task = aTask();

        failures.undecided(claimed(task, MAX_ATTEMPTS, Stage.DOWNLOAD), "route download, step to direct://download");

        assertEquals("failed", redis.hash(task.taskId()).get("status"));
        assertEquals("internal_error", reason(task));
        assertTrue(redis.deadLetter(task.taskId()).get("message").asText().contains("route download"),
                redis.deadLetter(task.taskId()).toString());
    }

    @Test
    void aTaskWhoseClaimFailedOnAWrongTypedStatusKeyIsDeadLetteredAndReadsFailed() {
        Tasks task = aTask();
        redis.client().getBucket(KEYS.task(task.taskId()), StringCodec.INSTANCE).set("garbage");
        redis.client().getList(PROCESSING, StringCodec.INSTANCE).add(task.json());
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        RedisException error = assertThrows(RedisException.class, () -> status.claim(run, "", task.courseUrl()));

        failures.decide(run, error);

        assertEquals("failed", redis.hash(task.taskId()).get("status"), "the status key was replaced");
        assertEquals("internal_error", reason(task));
        assertEquals(List.of(), redis.list(PROCESSING));
    }

    @Test
    void aRetryThatCannotBeWrittenBecauseOfAWrongTypedKeyEndsDeadLettered() {
        Tasks task = aTask();
        TaskRun run = claimed(task, 1, Stage.DOWNLOAD);
        redis.client().getKeys().delete(KEYS.history(task.taskId()));
        redis.client().getBucket(KEYS.history(task.taskId()), StringCodec.INSTANCE).set("not a list");

        failures.decide(run, new TransientTaskException(FailureReason.DOWNLOAD_FAILED, "exit 1"));

        assertEquals("failed", redis.hash(task.taskId()).get("status"));
        assertEquals("internal_error", reason(task));
        assertFalse(redis.client().getScoredSortedSet(KEYS.retries(), StringCodec.INSTANCE).contains(task.taskId()));
    }
}

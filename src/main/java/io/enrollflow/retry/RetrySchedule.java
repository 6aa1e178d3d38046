package io.enrollflow.retry;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.util.Outage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.client.RedisException;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The retry schedule in Redis (docs/contract.md §7, DESIGN "Retries hold no worker"):
 * <ol>
 *   <li>a transient failure with attempts left puts the task id into a sorted set scored by its due time and releases
 *       the task (schedule-retry.lua), so the wait costs no thread and no processing-list slot;</li>
 *   <li>every instance's mover ({@link #moveDue()}, driven by the retry-mover route's timer) pushes due tasks back
 *       onto the queue, marked so that intake lets them through;</li>
 *   <li>intake claims them as the next attempt; the attempt count lives in the status hash, so a restart resets
 *       nothing.</li>
 * </ol>
 */
public class RetrySchedule {

    private static final Logger LOG = LogManager.getLogger(RetrySchedule.class);

    /** How many due tasks one mover call moves: bounds the script's run time. */
    static final int MOVE_BATCH = 500;

    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final StatusStore status;
    private final Backoff backoff;
    private final int maxAttempts;
    /** Redis unreachable for {@link #moveDue()}: said once per outage, not once per timer tick. */
    private final Outage redisDown = new Outage();

    public RetrySchedule(RedisScripts scripts, RedisKeys keys, StatusStore status, Backoff backoff, int maxAttempts) {
        this.scripts = scripts;
        this.keys = keys;
        this.status = status;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    /** True when the run may have another attempt. */
    public boolean hasAttemptsLeft(TaskRun run) {
        return run.attempt() < maxAttempts;
    }

    /**
     * Schedules the next attempt and releases the task, in one step. Returns when it is due.
     *
     * @throws ClaimLostException when the task was taken over: nothing was written
     */
    public Instant schedule(TaskRun run, Stage stage, FailureReason reason, String message) {
        Duration delay = backoff.delay(run.attempt());
        Instant due = Instant.now().plus(delay).truncatedTo(ChronoUnit.MILLIS);
        String id = run.taskId();
        String at = StatusStore.now();
        if (run.fenced()) {
            throw new ClaimLostException(id, "fenced in this instance");
        }
        long removed = scripts.integer(Script.SCHEDULE_RETRY,
                List.of(keys.task(id), keys.history(id), keys.claim(id), run.processingList(), keys.retries()),
                at, status.historySize(), run.raw(), id, due.toEpochMilli(), due.toString(),
                stage.word(), reason.word(), message, run.claimToken());
        if (removed < 0) {
            run.fence();
            throw new ClaimLostException(id, "Redis refused its retry");
        }
        run.markDecided();
        status.announce(new StatusChange(id, TaskStatus.RETRYING, reason.word(), message, null, at));
        return due;
    }

    /**
     * Pushes every task whose retry is due back onto the queue; returns how many. While Redis is unreachable it moves
     * nothing and says so once per outage (the timer calls it every second: one error per tick would flood the log);
     * the due tasks stay in the schedule and move on the first call after Redis is back.
     */
    public long moveDue() {
        long moved = 0;
        long batch;
        try {
            do {
                batch = scripts.integer(Script.MOVE_DUE, List.of(keys.retries(), keys.queue()),
                        System.currentTimeMillis(), MOVE_BATCH, keys.taskPrefix());
                moved += batch;
            } while (batch == MOVE_BATCH);
        } catch (RedisException e) {
            if (redisDown.began()) {
                Event.warn(LOG).stage("retry").outcome("redis-unreachable").error(e.getMessage())
                        .note("due retries wait in Redis; moved once it is back").log();
            }
            return moved;
        }
        if (redisDown.over()) {
            Event.info(LOG).stage("retry").outcome("redis-back").log();
        }
        return moved;
    }
}

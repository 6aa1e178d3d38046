package io.enrollflow.pipeline;

import io.enrollflow.limit.LimitContext;
import io.enrollflow.limit.LimitReachedException;
import io.enrollflow.logging.Event;
import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.WorkerStoppedException;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What becomes of a task that met a limit it should not wait for in place ({@link LimitReachedException}), for the
 * onException clause of routes/error-handling.camel.yaml: it goes into the retry schedule for the limit's wait and
 * is released, in one step (hold-back.lua). Unlike a retry it keeps its status, uses no attempt (claim.lua honours the
 * {@code heldBack} field) and its message says what it waits for. A held enrollment is written first.
 * <p>
 * A run fenced while it waited (its task was taken over) writes nothing; one stopped by shutdown gets no decision: it
 * is handed back to the queue whole. If the step fails
 * (Redis down), the exception propagates, the run ends undecided and recovery requeues the task.
 */
public class HoldBack {

    private static final Logger LOG = LogManager.getLogger(HoldBack.class);

    /** The retry mover looks every second: a shorter hold is rounded up to it. */
    static final Duration SHORTEST = Duration.ofSeconds(1);

    private final LimitContext context;
    private final StatusStore status;
    private final InFlight inFlight;

    public HoldBack(LimitContext context, StatusStore status, InFlight inFlight) {
        this.context = context;
        this.status = status;
        this.inFlight = inFlight;
    }

    public void holdBack(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (run.fenced()) {
            // the task was taken over: this run writes nothing (its permit went back when its download was killed)
            throw new ClaimLostException(run.taskId(), "fenced in this instance");
        }
        if (inFlight.interrupting()) {
            throw new WorkerStoppedException(run.taskId() == null ? "-" : run.taskId(), cause);
        }
        LimitReachedException limit = LimitReachedException.in(cause);
        status.writeHeld(run);
        Duration wait = limit.waitFor().compareTo(SHORTEST) < 0 ? SHORTEST : limit.waitFor();
        Instant due = Instant.now().plus(wait).truncatedTo(ChronoUnit.MILLIS);
        String id = run.taskId();
        RedisKeys keys = context.keys();
        long removed = context.scripts().integer(Script.HOLD_BACK,
                List.of(keys.task(id), keys.history(id), keys.claim(id), run.processingList(), keys.retries()),
                StatusStore.now(), status.historySize(), run.raw(), id, due.toEpochMilli(), due.toString(),
                limit.limit().word(), limit.getMessage(), run.claimToken());
        if (removed < 0) {
            run.fence();
            throw new ClaimLostException(id, "Redis refused its hold-back");
        }
        run.markDecided();
        Event.info(LOG).task(id).stage(run.stage().word()).outcome("held-back").kv("limit", limit.limit().word())
                .kv("attempt", run.attempt()).kv("next_attempt_at", due).kv("message", limit.getMessage()).log();
    }
}

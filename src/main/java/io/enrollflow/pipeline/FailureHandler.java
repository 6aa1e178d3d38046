package io.enrollflow.pipeline;

import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.logging.Event;
import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.WorkerStoppedException;
import io.enrollflow.redis.RedisFailures;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TaskRun;
import io.enrollflow.task.TransientTaskException;
import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.client.RedisException;

import java.io.IOException;
import java.time.Instant;

/**
 * Decides what becomes of a task whose run failed (the onException clauses of routes/error-handling.camel.yaml), or
 * ended without a decision (the queue consumer, {@link #undecided}). In this order:
 * <ol>
 *   <li>no decision at all: a run that lost its claim ({@link ClaimLostException}: the task was taken over) writes
 *       nothing; a run interrupted by shutdown is handed back whole; a run cut off by a Redis connection failure or
 *       timeout stays in the processing list and recovery requeues it;</li>
 *   <li>dead-lettered at once: a failure no retry can mend ({@link TaskFailedException}), and a run that could not
 *       claim its task because of a Redis error (its attempts cannot be counted);</li>
 *   <li>retried while attempts remain, then dead-lettered: a transient failure ({@link TransientTaskException}, an
 *       I/O error) with its stage's reason; anything else — an unexpected exception, a Redis reply that is not a
 *       connection failure, a run that decided nothing — with {@code internal_error} (logged as an ERROR).</li>
 * </ol>
 * The decision is written with the task's release in one fenced Redis step. If a retry cannot be written because of
 * a Redis error that is not a connection failure (a key of the wrong type), the task is dead-lettered with
 * {@code internal_error} instead (dead-letter.lua replaces a wrong-typed status key). If no decision can be written,
 * the exception propagates: the run ends undecided and recovery requeues the task, which counts toward
 * {@code max-deliveries}.
 */
public class FailureHandler {

    private static final Logger LOG = LogManager.getLogger(FailureHandler.class);

    private final RetrySchedule retries;
    private final DeadLetterStore deadLetters;
    private final StatusStore status;
    private final InFlight inFlight;

    public FailureHandler(RetrySchedule retries, DeadLetterStore deadLetters, StatusStore status, InFlight inFlight) {
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.status = status;
        this.inFlight = inFlight;
    }

    /** The route's "everything else" clause. */
    public void deadLetter(Exchange exchange) {
        decide(exchange.getProperty(TaskRun.PROPERTY, TaskRun.class),
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** The route's transient clause (a {@link TransientTaskException} or an I/O error in the cause chain). */
    public void retryOrDeadLetter(Exchange exchange) {
        decide(exchange.getProperty(TaskRun.PROPERTY, TaskRun.class),
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /**
     * A claimed run returned without completing, retrying or dead-lettering (an edited route that skips a step): an
     * {@code internal_error}, retried, then dead-lettered.
     *
     * @param where the last route and step the run went through, for the ERROR log and the message
     */
    public void undecided(TaskRun run, String where) {
        decide(run, new IllegalStateException("the run ended without a decision (completed, retry or dead letter) "
                + "after " + where + "; check the routes"));
    }

    /** The decision for a run that failed with {@code cause} (see the class comment for the order). */
    public void decide(TaskRun run, Exception cause) {
        leaveUndecidedWhenNotTheTasksFault(run, cause);
        Failure failure = classify(run, cause);
        if (failure.reason == FailureReason.INTERNAL_ERROR) {
            Event.error(LOG).task(label(run)).stage(run.stage().word()).outcome("internal-error").error(failure.message)
                    .note("a fault of enrollflow or its routes, not of the task; retried, then dead-lettered")
                    .thrown(cause).log();
        }
        try {
            write(run, failure);
        } catch (RedisException e) {
            if (RedisFailures.isInfrastructure(e) || !failure.retry) {
                throw e; // no decision could be written: the run ends undecided and recovery requeues the task
            }
            // the decision itself met a Redis fault (a key of the wrong type): that is the task's end
            Event.error(LOG).task(label(run)).stage(run.stage().word()).outcome("internal-error")
                    .note("its decision could not be written; dead-lettered").thrown(e).log();
            write(run, new Failure(FailureReason.INTERNAL_ERROR, describe(e), false));
        }
    }

    /** What a failure means: the reason it ends with, its message, and whether another attempt may mend it. */
    record Failure(FailureReason reason, String message, boolean retry) {
    }

    /** The decision for a failure that is the task's (or enrollflow's) to record. */
    static Failure classify(TaskRun run, Exception cause) {
        // Camel picks the onException clause by the innermost cause first (Camel docs, "Exception Clause"), so a final
        // failure wrapped in another (Drive's 403 arrives inside an IOException) is final all the same
        TaskFailedException failed = ObjectHelper.getException(TaskFailedException.class, cause);
        if (failed != null) {
            return new Failure(failed.reason(), failed.getMessage(), false);
        }
        if (run.taskId() != null && !run.claimed()) {
            // the claim itself failed (a Redis error that is not a connection failure): without a claim the attempts
            // cannot be counted, so the task ends here
            return new Failure(FailureReason.INTERNAL_ERROR, describe(cause), false);
        }
        TransientTaskException transientFailure = ObjectHelper.getException(TransientTaskException.class, cause);
        if (transientFailure != null) {
            return new Failure(transientFailure.reasonWhenExhausted(), transientFailure.getMessage(), true);
        }
        if (ObjectHelper.getException(IOException.class, cause) != null) {
            return new Failure(stageReason(run.stage()), describe(cause), true);
        }
        return new Failure(FailureReason.INTERNAL_ERROR, describe(cause), true);
    }

    private void write(TaskRun run, Failure failure) {
        status.writeHeld(run);
        if (failure.retry && run.taskId() != null && retries.hasAttemptsLeft(run)) {
            Instant due = retries.schedule(run, run.stage(), failure.reason, failure.message);
            Event.info(LOG).task(run.taskId()).stage(run.stage().word()).outcome("retrying")
                    .kv("reason", failure.reason.word()).kv("attempt", run.attempt()).kv("next_attempt_at", due)
                    .kv("message", failure.message).log();
        } else {
            String key = deadLetters.record(run, run.stage(), failure.reason, failure.message);
            Event.warn(LOG).task(key).stage(run.stage().word()).outcome("failed").kv("reason", failure.reason.word())
                    .kv("attempts", run.attempt()).kv("message", failure.message).log();
        }
    }

    /**
     * A run that failed through no fault of its task gets no decision: one that lost its claim writes nothing (the
     * task is another run's now); interrupted by shutdown, it is handed back to the queue whole; cut off by a Redis
     * connection failure or timeout, it stays in the processing list and recovery requeues it.
     */
    private void leaveUndecidedWhenNotTheTasksFault(TaskRun run, Exception cause) {
        ClaimLostException lost = ObjectHelper.getException(ClaimLostException.class, cause);
        if (lost != null) {
            throw lost;
        }
        if (run.fenced()) {
            throw new ClaimLostException(label(run), "fenced in this instance");
        }
        if (inFlight.interrupting() && !(cause instanceof TaskFailedException)) {
            throw new WorkerStoppedException(label(run), cause);
        }
        if (RedisFailures.isInfrastructure(cause)) {
            throw new IllegalStateException("task " + label(run)
                    + ": Redis failed while it ran; it stays in the processing list and is requeued", cause);
        }
    }

    /** The reason a stage's I/O failures end with once attempts run out. */
    static FailureReason stageReason(Stage stage) {
        return switch (stage) {
            case INTAKE -> FailureReason.INTERNAL_ERROR;
            case ENROLL -> FailureReason.ENROLLMENT_UNAVAILABLE;
            case DOWNLOAD -> FailureReason.DOWNLOAD_FAILED;
            case DELIVER -> FailureReason.DELIVERY_FAILED;
        };
    }

    private static String describe(Exception cause) {
        if (cause == null) {
            return "unknown error";
        }
        if (cause instanceof TransientTaskException || cause instanceof TaskFailedException) {
            return cause.getMessage();
        }
        String text = cause.getMessage();
        return cause.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
    }

    private static String label(TaskRun run) {
        return run.taskId() == null ? "-" : run.taskId();
    }
}

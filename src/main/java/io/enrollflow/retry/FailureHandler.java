package io.enrollflow.retry;

import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.WorkerStoppedException;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Masking;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TaskRun;
import io.enrollflow.task.TransientTaskException;
import org.apache.camel.Exchange;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Decides what becomes of a task whose run threw, for the onException clauses of routes/task-failures.camel.yaml:
 * <ul>
 *   <li>{@link #deadLetter}: a failure no retry can mend ({@link TaskFailedException}), or an unexpected error
 *       (a bug: retrying would only repeat it) — dead-lettered at once;</li>
 *   <li>{@link #retryOrDeadLetter}: a transient failure ({@link TransientTaskException}, an I/O error) — another
 *       attempt is scheduled in Redis while attempts remain, then dead-lettered with the stage's reason.</li>
 * </ul>
 * Either way the task is released in the same Redis step as the decision. If that step fails (Redis down), the
 * exception propagates, the run ends undecided and the task stays in the processing list for recovery.
 */
public class FailureHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

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

    public void deadLetter(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        leaveUndecidedWhenNotTheTasksFault(run, cause);
        status.writeHeld(run);
        FailureReason reason = cause instanceof TaskFailedException failed ? failed.reason() : unexpectedReason(run.stage());
        String message = cause instanceof TaskFailedException ? cause.getMessage() : describe(cause);
        if (!(cause instanceof TaskFailedException)) {
            LOG.error("task={} stage={} outcome=error note=\"unexpected error, dead-lettered\"", label(run), run.stage().word(), cause);
        }
        String key = deadLetters.record(run, run.stage(), reason, message);
        LOG.warn("task={} stage={} outcome=failed reason={} message=\"{}\"", key, run.stage().word(), reason.word(),
                Masking.emailsIn(message));
    }

    public void retryOrDeadLetter(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof TaskFailedException) {
            // Camel picks the onException clause by the innermost cause first (Camel docs, "Exception Clause"), so a
            // final failure caused by an I/O error (Drive's 403 arrives as an IOException) lands here: final all the same.
            deadLetter(exchange);
            return;
        }
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        leaveUndecidedWhenNotTheTasksFault(run, cause);
        status.writeHeld(run);
        FailureReason reason = cause instanceof TransientTaskException transientFailure
                ? transientFailure.reasonWhenExhausted() : unexpectedReason(run.stage());
        String message = describe(cause);
        if (run.taskId() != null && retries.hasAttemptsLeft(run)) {
            Instant due = retries.schedule(run, run.stage(), reason, message);
            LOG.info("task={} stage={} outcome=retrying attempt={} next_attempt_at={} message=\"{}\"",
                    run.taskId(), run.stage().word(), run.attempt(), due, Masking.emailsIn(message));
        } else {
            String key = deadLetters.record(run, run.stage(), reason, message);
            LOG.warn("task={} stage={} outcome=failed reason={} attempts={} message=\"{}\"",
                    key, run.stage().word(), reason.word(), run.attempt(), Masking.emailsIn(message));
        }
    }

    /**
     * A run that failed through no fault of its task gets no decision: interrupted by shutdown, it is handed back to
     * the queue whole; cut off by Redis, it stays in the processing list and recovery requeues it.
     */
    private void leaveUndecidedWhenNotTheTasksFault(TaskRun run, Exception cause) {
        if (inFlight.interrupting() && !(cause instanceof TaskFailedException)) {
            throw new WorkerStoppedException(run.taskId() == null ? "-" : run.taskId(), cause);
        }
        // Redis failed under the run (a dropped connection, an outage): the task did nothing wrong, so it is neither
        // retried nor dead-lettered; the run ends undecided and recovery requeues it from the processing list
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof RedisException) {
                throw new IllegalStateException("task " + (run.taskId() == null ? "-" : run.taskId())
                        + ": Redis failed while it ran; it stays in the processing list and is requeued", cause);
            }
        }
    }

    /** The reason a stage's unexpected errors end with. */
    static FailureReason unexpectedReason(Stage stage) {
        return switch (stage) {
            case INTAKE -> FailureReason.INVALID_TASK;
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

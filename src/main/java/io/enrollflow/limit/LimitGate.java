package io.enrollflow.limit;

import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.TaskRun;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a task waits at a limit (docs/contract.md §12), the same for every limit:
 * <ol>
 *   <li>ask the limit's script; it answers "go" or how long until it may free up;</li>
 *   <li>a wait that ends within {@link #IN_PLACE_MAX} of the first ask happens in place: the task's {@code message}
 *       says what it waits for (once, when the wait starts), the worker sleeps and asks again;</li>
 *   <li>a longer one throws {@link LimitReachedException}: {@code pipeline.HoldBack} puts the task in the retry schedule for the
 *       rest, without using an attempt, so the wait holds no worker.</li>
 * </ol>
 * The status keeps its value throughout; only the message changes.
 */
public class LimitGate {

    private static final Logger LOG = LogManager.getLogger(LimitGate.class);

    /** The longest wait a worker spends in place; a longer one goes to the retry schedule. */
    public static final Duration IN_PLACE_MAX = Duration.ofSeconds(5);
    /** When a limit cannot say when it frees (a download permit), the waiting worker asks again after about this. */
    static final long POLL_MILLIS = 250;
    /** ... and a held-back task comes back to ask after this. */
    static final Duration RECHECK = Duration.ofSeconds(2);

    /** One ask of a limit's script. */
    @FunctionalInterface
    public interface Check {
        /** 0: the task may go (what it needed is taken); above 0: milliseconds until it may; below 0: unknown. */
        long waitMillis();
    }

    private final StatusStore status;
    private final LimitMetrics metrics;

    public LimitGate(StatusStore status, LimitMetrics metrics) {
        this.status = status;
        this.metrics = metrics;
    }

    /**
     * Returns once the check lets the run go; throws {@link LimitReachedException} when that is further off than
     * {@link #IN_PLACE_MAX}, or when the worker is interrupted (shutdown) while it waits.
     *
     * @param run the task waiting; null for a wait outside a task's own steps (a Drive request of an upload thread):
     *            then no message is written
     */
    public void pass(TaskRun run, Limit limit, String message, Check check) {
        long first = System.nanoTime();
        boolean noted = false;
        while (true) {
            long answer = check.waitMillis();
            long waited = System.nanoTime() - first;
            if (answer == 0) {
                if (noted) {
                    metrics.waited(limit, Duration.ofNanos(waited));
                }
                return;
            }
            long wait = answer > 0 ? answer : POLL_MILLIS / 2 + ThreadLocalRandom.current().nextLong(POLL_MILLIS);
            if (Duration.ofNanos(waited).plusMillis(wait).compareTo(IN_PLACE_MAX) > 0) {
                Duration rest = answer > 0 ? Duration.ofMillis(answer) : RECHECK;
                metrics.waited(limit, Duration.ofNanos(waited).plus(rest));
                throw new LimitReachedException(limit, message, rest);
            }
            if (!noted) {
                noted = true;
                if (run != null) {
                    status.note(run.taskId(), message);
                    Event.info(LOG).task(run.taskId()).stage(run.stage().word()).outcome("waiting")
                            .kv("limit", limit.word()).kv("message", message).log();
                }
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                // shutdown interrupts the worker: the task is handed back whole (HoldBack sees the stop)
                Thread.currentThread().interrupt();
                throw new LimitReachedException(limit, message, Duration.ZERO);
            }
        }
    }
}

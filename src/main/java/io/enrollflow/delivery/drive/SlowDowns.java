package io.enrollflow.delivery.drive;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import io.enrollflow.logging.Event;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TransientTaskException;
import org.apache.camel.util.ObjectHelper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Drive's own limits absorbed inside the delivery (docs/contract.md §5): a call Drive answers with "slow down" (its
 * per-user write rate, a 429) is sent again after a back-off with full jitter, with fewer uploads at once meanwhile
 * ({@link Aimd}); only a call refused for longer than {@code enrollflow.drive.retry-max-elapsed} fails the task. Every
 * other failure is {@link DriveFailures}' to classify at once.
 */
record SlowDowns(DriveFailures failures) {

    /** The delivery's own category: these lines are steps of one delivery. */
    private static final Logger LOG = LogManager.getLogger(DriveDelivery.class);

    /** How often a back-off looks whether its caller still needs the call. */
    private static final long BACK_OFF_SLICE_MILLIS = 100;

    /**
     * Runs one Drive call in a slot of {@code slots}. On a "slow down" (a rate-limit 403, or a 429 the request's own
     * handler did not retry) the slot goes back and the window halves, the fleet pauses ({@link DriveFailures#classify}
     * tells the throttle), the call waits a full-jitter back-off and goes again. Only a call that Drive keeps refusing
     * for longer than {@code enrollflow.drive.retry-max-elapsed} fails the task, transiently. Every other failure is
     * classified at once.
     *
     * @param keepTrying asked before each back-off and while it lasts: false gives up at once (the caller no longer
     *                   needs the call, as a delivery during the download once the download ended)
     */
    <T> T call(UploadSlots slots, BooleanSupplier keepTrying, Supplier<T> call, String doing, boolean onParent) {
        long firstRefusal = 0;
        for (int refusals = 0; ; refusals++) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientTaskException(FailureReason.DELIVERY_FAILED, "stopped while waiting to " + doing, e);
            }
            RuntimeException failure;
            try {
                T result = call.get();
                slots.succeeded();
                return result;
            } catch (RuntimeException e) {
                failure = failures.classify(e, doing, onParent);
                if (!isSlowDown(e)) {
                    slots.release();
                    throw failure;
                }
                slots.refused();
            }
            long now = System.nanoTime();
            firstRefusal = refusals == 0 ? now : firstRefusal;
            long left = failures.settings().retryMaxElapsed().toNanos() - (now - firstRefusal);
            if (!keepTrying.getAsBoolean()) {
                throw failure;
            }
            if (left <= 0) {
                Event.warn(LOG).stage("deliver").outcome("refused-too-long").kv("doing", doing).kv("refusals", refusals + 1)
                        .error(failure.getMessage()).log();
                throw failure;
            }
            long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1,
                    fullJitter(failures.settings().retryInitialInterval().toMillis(), refusals, ThreadLocalRandom.current().nextDouble()));
            Event.debug(LOG).stage("deliver").outcome("slowed-down").kv("doing", doing).kv("window", slots.window())
                    .kv("wait_ms", wait).log();
            try {
                // in slices, so that a caller that stops needing the call is not held for the whole back-off
                for (long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait); System.nanoTime() < end; ) {
                    if (!keepTrying.getAsBoolean()) {
                        throw failure;
                    }
                    Thread.sleep(Math.max(1, Math.min(BACK_OFF_SLICE_MILLIS, (end - System.nanoTime()) / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    /**
     * A back-off with full jitter, as Google asks of clients its limits refuse: anywhere from nothing to
     * {@code first × 2^refusals}, at most {@link RetryingRequestInitializer#MAX_INTERVAL_MILLIS}, so that callers refused
     * together do not come back together.
     *
     * @param unit a random number in [0, 1)
     */
    static long fullJitter(long firstMillis, int refusals, double unit) {
        long bound = Math.max(1, firstMillis);
        for (int i = 0; i < refusals && bound < RetryingRequestInitializer.MAX_INTERVAL_MILLIS; i++) {
            bound *= 2;
        }
        return (long) (unit * (Math.min(bound, RetryingRequestInitializer.MAX_INTERVAL_MILLIS) + 1));
    }

    /** Drive asked to slow down: a 429, or a 403 whose reason is a rate limit. */
    static boolean isSlowDown(Throwable error) {
        GoogleJsonResponseException json = ObjectHelper.getException(GoogleJsonResponseException.class, error);
        if (json != null) {
            return json.getStatusCode() == 429 || (json.getStatusCode() == 403 && DriveFailures.RATE_LIMIT_REASONS.contains(DriveFailures.reason(json)));
        }
        HttpResponseException http = ObjectHelper.getException(HttpResponseException.class, error);
        return http != null && http.getStatusCode() == 429;
    }

}

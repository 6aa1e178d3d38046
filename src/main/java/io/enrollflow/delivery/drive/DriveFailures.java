package io.enrollflow.delivery.drive;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import io.enrollflow.config.DriveSettings;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TransientTaskException;

import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Turns what a Drive call threw (after the client's in-place back-off gave up) into the task's fate (docs/contract.md §5):
 * <ul>
 *   <li>transient ({@link TransientTaskException}, retried later by the retry schedule): 429, 5xx, the rate-limit 403s,
 *       network errors, a token endpoint that is down;</li>
 *   <li>final ({@link TaskFailedException}, reason {@code delivery_failed}): a missing parent folder, 401, a 403 for
 *       permissions or quota, a refused token exchange, any other 4xx; each message says what to fix.</li>
 * </ul>
 * A rate-limit 403 also tells the throttle to pause the fleet for {@code enrollflow.drive.retry-initial-interval} (a 429
 * it hears from the request's handler). Before any of that, {@link #guarded} absorbs Drive's "slow down" answers in
 * place for as long as {@code enrollflow.drive.retry-max-elapsed}.
 */
record DriveFailures(DriveSettings settings, String serviceAccountEmail, String tokenUri, DriveThrottle throttle) {

    /** The delivery's own category: these lines are steps of one delivery. */
    private static final Logger LOG = LoggerFactory.getLogger(DriveDelivery.class);

    /** How often a back-off looks whether its caller still needs the call. */
    private static final long BACK_OFF_SLICE_MILLIS = 100;

    /** 403 reasons that mean "slow down", not "you may not". */
    static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded",
            "sharingRateLimitExceeded");

    /** Who Drive acts as: the delegate user when set, else the service account itself. */
    String actor() {
        return settings.delegate().isEmpty() ? "service account " + serviceAccountEmail
                : settings.delegate() + " (service account " + serviceAccountEmail + " by domain-wide delegation)";
    }

    /** Runs one Drive call; its failure becomes the task's fate through {@link #classify}, slow-downs absorbed. */
    <T> T guarded(Supplier<T> call, String doing, boolean onParent) {
        return guarded(UploadSlots.UNLIMITED, () -> true, call, doing, onParent);
    }

    /**
     * Runs one Drive call in a slot of {@code slots}. Drive's "slow down" (a rate-limit 403, or a 429 the request's own
     * handler did not retry) is absorbed here (docs/contract.md §5): the slot goes back and the window halves, the fleet
     * pauses ({@link #classify} tells the throttle), the call waits a full-jitter back-off and goes again. Only a call
     * that Drive keeps refusing for longer than {@code enrollflow.drive.retry-max-elapsed} fails the task, transiently.
     * Every other failure is classified at once.
     *
     * @param keepTrying asked before each back-off and while it lasts: false gives up at once (the caller no longer
     *                   needs the call, as a delivery during the download once the download ended)
     */
    <T> T guarded(UploadSlots slots, BooleanSupplier keepTrying, Supplier<T> call, String doing, boolean onParent) {
        long firstRefusal = 0;
        for (int refusals = 0; ; refusals++) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw transientFailure("stopped while waiting to " + doing, e);
            }
            RuntimeException failure;
            try {
                T result = call.get();
                slots.succeeded();
                return result;
            } catch (RuntimeException e) {
                failure = classify(e, doing, onParent);
                if (!isSlowDown(e)) {
                    slots.release();
                    throw failure;
                }
                slots.refused();
            }
            long now = System.nanoTime();
            firstRefusal = refusals == 0 ? now : firstRefusal;
            long left = settings.retryMaxElapsed().toNanos() - (now - firstRefusal);
            if (!keepTrying.getAsBoolean()) {
                throw failure;
            }
            if (left <= 0) {
                LOG.warn("task=- stage=deliver outcome=refused-too-long doing=\"{}\" refusals={} error=\"{}\"", doing,
                        refusals + 1, failure.getMessage());
                throw failure;
            }
            long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1,
                    fullJitter(settings.retryInitialInterval().toMillis(), refusals, ThreadLocalRandom.current().nextDouble()));
            LOG.debug("task=- stage=deliver outcome=slowed-down doing=\"{}\" window={} wait_ms={}", doing, slots.window(), wait);
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
            return json.getStatusCode() == 429 || (json.getStatusCode() == 403 && RATE_LIMIT_REASONS.contains(reason(json)));
        }
        HttpResponseException http = ObjectHelper.getException(HttpResponseException.class, error);
        return http != null && http.getStatusCode() == 429;
    }

    /** {@code errors[0].reason} of Google's JSON error, "" when it has none. */
    private static String reason(GoogleJsonResponseException json) {
        GoogleJsonError details = json.getDetails();
        String reason = details != null && details.getErrors() != null && !details.getErrors().isEmpty()
                ? details.getErrors().get(0).getReason() : "";
        return reason == null ? "" : reason;
    }

    /** Drive answered 404 (somewhere in the cause chain). */
    static boolean isNotFound(Throwable error) {
        HttpResponseException http = ObjectHelper.getException(HttpResponseException.class, error);
        return http != null && http.getStatusCode() == 404;
    }

    /**
     * @param doing            what was attempted, for the message ("create folder \"x\"")
     * @param onParent         true when a 404 means the parent folder is missing
     * @return the exception to throw; non-Drive failures (bugs) are returned unchanged
     */
    RuntimeException classify(Throwable error, String doing, boolean onParent) {
        // The token endpoint's failures first: they wrap the endpoint's HttpResponseException.
        Retryable auth = ObjectHelper.getException(Retryable.class, error);
        if (auth != null) {
            Throwable cause = (Throwable) auth;
            if (auth.isRetryable()) {
                return transientFailure("Drive token endpoint " + tokenUri + " failed while trying to " + doing + ": "
                        + cause.getMessage(), cause);
            }
            return new TaskFailedException(FailureReason.DELIVERY_FAILED, "the token endpoint " + tokenUri
                    + " refused " + actor() + " while trying to " + doing + " (" + firstLine(cause.getMessage())
                    + "): check that enrollflow.drive.service-account-key holds a current key of that account"
                    + (settings.delegate().isEmpty() ? "" : ", and that domain-wide delegation for its client id is "
                    + "granted the scope https://www.googleapis.com/auth/drive in the Workspace admin console"), cause);
        }
        GoogleJsonResponseException json = ObjectHelper.getException(GoogleJsonResponseException.class, error);
        if (json != null) {
            GoogleJsonError details = json.getDetails();
            String message = details != null && details.getMessage() != null ? details.getMessage() : json.getStatusMessage();
            return byStatus(json.getStatusCode(), reason(json), message, doing, onParent, json);
        }
        HttpResponseException http = ObjectHelper.getException(HttpResponseException.class, error);
        if (http != null) {
            return byStatus(http.getStatusCode(), "", http.getStatusMessage(), doing, onParent, http);
        }
        IOException io = ObjectHelper.getException(IOException.class, error);
        if (io != null) {
            return transientFailure("network error while trying to " + doing + ": " + io, io);
        }
        return error instanceof RuntimeException runtime ? runtime : new IllegalStateException(error);
    }

    private RuntimeException byStatus(int status, String reason, String message, String doing, boolean onParent,
                                      Exception cause) {
        String answer = "Drive answered " + status + (reason.isEmpty() ? "" : " " + reason) + " (" + firstLine(message)
                + ") to " + doing;
        if (status == 403 && RATE_LIMIT_REASONS.contains(reason)) {
            throttle.slowDown(settings.retryInitialInterval(), "Drive answered 403 " + reason);
        }
        if (status == 429 || status / 100 == 5 || (status == 403 && RATE_LIMIT_REASONS.contains(reason))) {
            return transientFailure(answer, cause);
        }
        if (status == 404 && onParent) {
            return missingParent();
        }
        if (status == 401) {
            return failed(answer + ": Drive does not accept the credentials of " + actor()
                    + "; check enrollflow.drive.service-account-key (a revoked or deleted key?)", cause);
        }
        if (status == 403 && "storageQuotaExceeded".equals(reason)) {
            return failed(answer + ": " + actor() + " has no storage left; service accounts have none of their own, so "
                    + "put enrollflow.drive.parent-folder-id (" + settings.parentFolderId() + ") in a Shared Drive, or set "
                    + "enrollflow.drive.delegate to a Workspace user whose quota is used", cause);
        }
        if (status == 403) {
            return failed(answer + ": give " + actor() + " edit access to folder " + settings.parentFolderId()
                    + " (enrollflow.drive.parent-folder-id; Content manager on a Shared Drive)", cause);
        }
        return failed(answer, cause);
    }

    TaskFailedException missingParent() {
        return new TaskFailedException(FailureReason.DELIVERY_FAILED, "Drive folder " + settings.parentFolderId()
                + " (enrollflow.drive.parent-folder-id) was not found or is not a folder: check the id, and share the "
                + "folder with " + actor() + " as editor");
    }

    private static TaskFailedException failed(String message, Exception cause) {
        return new TaskFailedException(FailureReason.DELIVERY_FAILED, message, cause);
    }

    private static TransientTaskException transientFailure(String message, Throwable cause) {
        return new TransientTaskException(FailureReason.DELIVERY_FAILED, message, cause);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        // Drive's words are kept in the status and dead letter: at most Bounded.MESSAGE_CHARS of them
        return io.enrollflow.task.Bounded.message(nl < 0 ? text : text.substring(0, nl));
    }
}

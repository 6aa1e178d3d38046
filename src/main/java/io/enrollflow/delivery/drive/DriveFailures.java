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

import java.io.IOException;
import java.util.Set;
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
 * it hears from the request's handler).
 */
record DriveFailures(DriveSettings settings, String serviceAccountEmail, String tokenUri, DriveThrottle throttle) {

    /** 403 reasons that mean "slow down", not "you may not". */
    static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded",
            "sharingRateLimitExceeded");

    /** Who Drive acts as: the delegate user when set, else the service account itself. */
    String actor() {
        return settings.delegate().isEmpty() ? "service account " + serviceAccountEmail
                : settings.delegate() + " (service account " + serviceAccountEmail + " by domain-wide delegation)";
    }

    /** Runs one Drive call; its failure becomes the task's fate through {@link #classify}. */
    <T> T guarded(Supplier<T> call, String doing, boolean onParent) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw classify(e, doing, onParent);
        }
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
            String reason = details != null && details.getErrors() != null && !details.getErrors().isEmpty()
                    ? details.getErrors().get(0).getReason() : "";
            String message = details != null && details.getMessage() != null ? details.getMessage() : json.getStatusMessage();
            return byStatus(json.getStatusCode(), reason == null ? "" : reason, message, doing, onParent, json);
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

package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import io.enrollflow.config.DriveSettings;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TransientTaskException;

import io.enrollflow.util.Causes;
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
 *       permissions or quota, a refused token exchange, any other 4xx; each message says what to fix. A refused token
 *       exchange (a revoked or expired refresh token: {@code invalid_grant}) also tells {@link DriveSignIn}, for the
 *       console and health.</li>
 * </ul>
 * A rate-limit 403 also tells the throttle to pause the fleet for {@code enrollflow.drive.retry-initial-interval} (a 429
 * it hears from the request's handler).
 */
record DriveFailures(DriveSettings settings, DriveAccount account, DriveThrottle throttle, DriveSignIn signIn) {

    /** 403 reasons that mean "slow down", not "you may not". */
    static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded",
            "sharingRateLimitExceeded");

    /** Who Drive acts as: the delegate user, the service account itself, or the account that signed in. */
    String actor() {
        return account.actor(settings.delegate());
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
            TokenAnswer answer = TokenAnswer.of(cause);
            if (auth.isRetryable()) {
                return transientFailure("Drive token endpoint " + account.tokenUri() + " failed while trying to "
                        + doing + ": " + answer, cause);
            }
            // the whole fleet shares the credentials: the console and health say so until a delivery goes through
            signIn.refused(account.refusedDetail(answer.error()));
            return new TaskFailedException(FailureReason.DELIVERY_FAILED, "the token endpoint " + account.tokenUri()
                    + " refused " + actor() + " while trying to " + doing + " (" + answer + "): "
                    + account.remedy(answer.error(), settings.delegate()), cause);
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
                    + (account.user() ? "; run `enrollflow drive login` again (" + account.setting() + ")"
                    : "; check " + account.setting() + " (a revoked or deleted key?)"), cause);
        }
        if (status == 403 && "storageQuotaExceeded".equals(reason)) {
            return failed(answer + ": " + actor() + (account.user() ? " has no storage left: free some in that "
                    + "account's Drive, or buy more" : " has no storage left; service accounts have none of their own, "
                    + "so put enrollflow.drive.parent-folder-id (" + settings.parentFolderId() + ") in a Shared Drive, "
                    + "or set enrollflow.drive.delegate to a Workspace user whose quota is used"), cause);
        }
        if (status == 403 && account.user()) {
            return failed(answer + ": " + actor() + " may not change folder " + settings.parentFolderId()
                    + " (enrollflow.drive.parent-folder-id); with the drive.file scope enrollflow sees only the folders "
                    + "it made: let `enrollflow drive login --create-folder NAME` make the parent", cause);
        }
        if (status == 403) {
            return failed(answer + ": give " + actor() + " edit access to folder " + settings.parentFolderId()
                    + " (enrollflow.drive.parent-folder-id; Content manager on a Shared Drive)", cause);
        }
        return failed(answer, cause);
    }

    TaskFailedException missingParent() {
        return new TaskFailedException(FailureReason.DELIVERY_FAILED, "Drive folder " + settings.parentFolderId()
                + " (enrollflow.drive.parent-folder-id) was not found or is not a folder: check the id, and "
                + (account.user() ? "use a folder enrollflow made (`enrollflow drive login --create-folder NAME`): "
                + "with the drive.file scope it sees no other" : "share the folder with " + actor() + " as editor"));
    }

    private static TaskFailedException failed(String message, Exception cause) {
        return new TaskFailedException(FailureReason.DELIVERY_FAILED, message, cause);
    }

    private static TransientTaskException transientFailure(String message, Throwable cause) {
        return new TransientTaskException(FailureReason.DELIVERY_FAILED, message, cause);
    }

    /**
     * What the token endpoint answered, from the HTTP error in the chain: its status and, from its JSON body, the OAuth
     * {@code error} and {@code error_description} (RFC 6749 §5.2). The request (which carries the refresh token or the
     * signed assertion) is never part of it.
     *
     * @param error the OAuth error code ({@code invalid_grant}), "" when the answer named none
     */
    record TokenAnswer(int status, String error, String description, String other) {

        private static final ObjectMapper JSON = new ObjectMapper();

        static TokenAnswer of(Throwable failure) {
            HttpResponseException http = ObjectHelper.getException(HttpResponseException.class, failure);
            if (http == null) {
                return new TokenAnswer(0, "", "", firstLine(String.valueOf(Causes.root(failure).getMessage())));
            }
            String error = "";
            String description = "";
            try {
                JsonNode body = JSON.readTree(http.getContent() == null ? "" : http.getContent());
                error = body == null ? "" : body.path("error").asText("");
                description = body == null ? "" : body.path("error_description").asText("");
            } catch (Exception e) {
                // not JSON (a proxy's page): the status says enough
            }
            // a code of RFC 6749's shape only: the text reaches the console and health as it is
            return new TokenAnswer(http.getStatusCode(), error.matches("[a-z_]{1,40}") ? error : "",
                    firstLine(description), firstLine(http.getStatusMessage()));
        }

        @Override
        public String toString() {
            if (status == 0) {
                return other;
            }
            return status + (error.isEmpty() ? " " + other : " " + error) + (description.isEmpty() ? "" : ": " + description);
        }
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

package io.enrollflow.delivery.drive;

import com.google.api.client.http.HttpRequest;
import io.enrollflow.tracing.Traced;
import io.enrollflow.tracing.Tracing;

/**
 * The spans of one Drive client request when tracing is on: one client span per HTTP exchange (an upload's every chunk,
 * every retry, each a span of its own, {@code http.request.resend_count} counting the retries), under the Drive call's
 * span. {@link RetryingRequestInitializer} tells it where each attempt starts (its last interceptor, once the request
 * is ready to leave) and how it ended (an answer, or an I/O error); the Google client's own timing hooks are
 * OpenCensus's, which enrollflow does not run. Off, each call costs one volatile read.
 */
final class DriveRequestSpans {

    private Traced attempt = Traced.NONE;
    private int attempts;

    /** An attempt leaves now. */
    void started(HttpRequest request) {
        attempt.close(); // an attempt whose end went untold (it cannot happen; it must not leak a span)
        if (!Tracing.on()) {
            return;
        }
        attempt = Tracing.httpClient(request.getRequestMethod(), request.getUrl().toURI());
        if (attempts > 0) {
            attempt.attribute("http.request.resend_count", attempts);
        }
        attempts++;
    }

    /** The attempt's answer came; a second word about the same answer changes nothing. */
    void answered(int status) {
        attempt.httpStatus(status);
        ended();
    }

    /** The attempt got no answer (refused, reset, timed out). */
    void failed() {
        attempt.failed(new java.io.IOException("no answer"));
        ended();
    }

    /** An I/O error handler that retries nothing (a folder's create: it may exist although the answer was lost). */
    boolean failedWithoutRetry(HttpRequest request, boolean supportsRetry) {
        failed();
        return false;
    }

    private void ended() {
        attempt.close();
        attempt = Traced.NONE;
    }
}

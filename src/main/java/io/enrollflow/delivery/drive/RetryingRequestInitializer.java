package io.enrollflow.delivery.drive;

import com.google.api.client.http.EmptyContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpBackOffIOExceptionHandler;
import com.google.api.client.http.HttpBackOffUnsuccessfulResponseHandler;
import com.google.api.client.http.HttpExecuteInterceptor;
import com.google.api.client.http.HttpIOExceptionHandler;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpUnsuccessfulResponseHandler;
import com.google.api.client.util.ExponentialBackOff;
import com.google.api.client.util.Sleeper;
import com.google.auth.http.HttpCredentialsAdapter;
import io.enrollflow.config.DriveSettings;

import io.enrollflow.status.ClaimLostException;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepares every HTTP request the Drive client makes (metadata calls, the resumable upload's initiation and each of
 * its chunks): credentials, explicit timeouts, and in-place retries with exponential back-off.
 * <p>
 * Retried in place: 5xx and 429 answers, and I/O errors (timeouts, resets). For an upload chunk the retry is a status
 * query ({@code Content-Range: bytes *}{@code /total}) after which {@code MediaHttpUploader} continues from the byte
 * the server has, so a failed chunk costs one chunk, not the whole file. Not retried in place: 4xx answers (a
 * rate-limit 403 included, its reason is in the body this handler cannot read without consuming it); those surface to
 * {@link DriveDelivery}, which makes them transient or final for the task.
 * <p>
 * A metadata {@code files.create} is not retried after an I/O error: the folder may exist although the answer was
 * lost, and a blind retry would make a second one. The task's next attempt looks it up by name instead.
 */
final class RetryingRequestInitializer implements HttpRequestInitializer {

    /** Upper bound on retries of one request; the back-off's max elapsed time usually stops it earlier. */
    static final int MAX_RETRIES_PER_REQUEST = 10;
    /** Longest single wait between two retries of one request. */
    static final int MAX_INTERVAL_MILLIS = 32_000;

    private final HttpCredentialsAdapter credentials;
    private final DriveSettings settings;
    private final Sleeper sleeper;
    private final DriveGuard guard;
    private final DriveThrottle throttle;
    /** Resumable upload sessions (their URL) and the generation they began under; removed when they end. */
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();

    /** @param client the settings, sleeper, guard and throttle of the client these requests belong to */
    RetryingRequestInitializer(HttpCredentialsAdapter credentials, DriveClientFactory client) {
        this.credentials = credentials;
        this.settings = client.settings();
        this.sleeper = client.sleeper();
        this.guard = client.guard();
        this.throttle = client.throttle();
    }

    @Override
    public void initialize(HttpRequest request) throws IOException {
        credentials.initialize(request);
        // Each request, every upload chunk and every retry included, first asks the guard (a stalled instance that may
        // have been presumed dead sends nothing to Drive; an upload begun before it came back sends no further chunk);
        // a refusal is thrown before the request leaves, outside the retry handlers, so it ends the upload at once.
        long builtUnder = guard.generation().getAsLong();
        HttpExecuteInterceptor authorize = request.getInterceptor();
        request.setInterceptor(r -> {
            refuseWhenFenced(r);
            if (authorize != null) {
                authorize.intercept(r);
            }
        });
        request.setResponseInterceptor(response -> {
            String session = response.getHeaders().getLocation();
            if (session != null && "resumable".equals(request.getUrl().getFirst("uploadType"))) {
                sessions.put(new GenericUrl(session).build(), builtUnder);
            } else if (response.getStatusCode() / 100 == 2 || response.getStatusCode() / 100 == 4) {
                sessions.remove(request.getUrl().build()); // the upload ended: complete, or gone
            }
        });
        request.setConnectTimeout((int) settings.connectTimeout().toMillis());
        request.setReadTimeout((int) settings.readTimeout().toMillis());
        request.setNumberOfRetries(MAX_RETRIES_PER_REQUEST);
        request.setUnsuccessfulResponseHandler(new OnUnsuccessfulResponse());
        throttled(request);
        if (!isMetadataCreate(request)) {
            HttpBackOffIOExceptionHandler backOff = new HttpBackOffIOExceptionHandler(newBackOff()).setSleeper(sleeper);
            request.setIOExceptionHandler(new OnIOException(backOff));
        }
    }

    private void refuseWhenFenced(HttpRequest request) {
        if (!guard.mayAct().getAsBoolean()) {
            throw new ClaimLostException("-", "this instance may have been presumed dead; no Drive request leaves");
        }
        Long begun = sessions.get(request.getUrl().build());
        if (begun != null && begun != guard.generation().getAsLong()) {
            sessions.remove(request.getUrl().build());
            throw new ClaimLostException("-", "this upload began before the instance was presumed dead");
        }
    }

    private ExponentialBackOff newBackOff() {
        return new ExponentialBackOff.Builder()
                .setInitialIntervalMillis((int) settings.retryInitialInterval().toMillis())
                .setMultiplier(2)
                .setRandomizationFactor(0.5)
                .setMaxIntervalMillis(Math.max(MAX_INTERVAL_MILLIS, (int) settings.retryInitialInterval().toMillis()))
                .setMaxElapsedTimeMillis((int) settings.retryMaxElapsed().toMillis())
                .build();
    }

    /**
     * The fleet's Drive pause (docs/contract.md §12) holds every request, its retries included: asked before the credentials
     * adapter's interceptor (which sets the Authorization header) runs.
     */
    private void throttled(HttpRequest request) {
        HttpExecuteInterceptor auth = request.getInterceptor();
        if (auth instanceof Throttled) {
            return;
        }
        request.setInterceptor(new Throttled(auth));
    }

    private final class Throttled implements HttpExecuteInterceptor {
        private final HttpExecuteInterceptor auth;

        Throttled(HttpExecuteInterceptor auth) {
            this.auth = auth;
        }

        @Override
        public void intercept(HttpRequest request) throws IOException {
            throttle.beforeCall();
            if (auth != null) {
                auth.intercept(request);
            }
        }
    }

    /** {@code POST .../files} without {@code uploadType}: creates a folder (or an empty file); not idempotent. */
    private static boolean isMetadataCreate(HttpRequest request) {
        String path = request.getUrl().getRawPath();
        return "POST".equals(request.getRequestMethod()) && path != null && path.endsWith("/files")
                && request.getUrl().getFirst("uploadType") == null;
    }

    /**
     * A chunk PUT being retried must not resend its body: the chunk's stream is consumed. Turn it into a status query,
     * as {@code MediaHttpUploader} does itself for 5xx (it does not for 429 or after a token refresh).
     */
    private static void resendChunkAsStatusQuery(HttpRequest request) {
        String range = request.getHeaders().getContentRange();
        if ("PUT".equals(request.getRequestMethod()) && range != null && range.startsWith("bytes ")
                && !(request.getContent() instanceof EmptyContent)) {
            request.setContent(new EmptyContent());
            request.getHeaders().setContentRange("bytes */" + range.substring(range.lastIndexOf('/') + 1));
        }
    }

    private final class OnUnsuccessfulResponse implements HttpUnsuccessfulResponseHandler {

        private final HttpBackOffUnsuccessfulResponseHandler backOff =
                new HttpBackOffUnsuccessfulResponseHandler(newBackOff())
                        .setBackOffRequired(response -> response.getStatusCode() / 100 == 5 || response.getStatusCode() == 429)
                        .setSleeper(sleeper);
        private boolean refreshedToken;

        @Override
        public boolean handleResponse(HttpRequest request, HttpResponse response, boolean supportsRetry) throws IOException {
            if (response.getStatusCode() == 401) {
                // One token refresh per request: an expired token mends; when the new one is refused too, the 401 surfaces.
                if (refreshedToken) {
                    return false;
                }
                refreshedToken = true;
                // A new token, as the adapter's own handler would fetch; but a refused refresh is thrown here, where
                // the adapter logs it and lets the 401 stand: the task's failure then says what the token endpoint
                // said (a revoked refresh token needs a new sign-in, not a new key: docs/contract.md §5).
                try {
                    credentials.getCredentials().refresh();
                } catch (IOException refused) {
                    response.ignore();
                    throw refused;
                }
                credentials.initialize(request);
                request.setUnsuccessfulResponseHandler(this); // the adapter re-initialised the request and put itself there
                throttled(request); // ... as its interceptor too
                resendChunkAsStatusQuery(request);
                return true;
            }
            if (response.getStatusCode() == 429) {
                // Drive asks the whole fleet to slow down, not just this request (docs/contract.md §12)
                throttle.slowDown(retryAfter(response), "Drive answered 429");
            }
            boolean retry = backOff.handleResponse(request, response, supportsRetry);
            if (retry) {
                resendChunkAsStatusQuery(request);
            }
            return retry;
        }
    }

    /** The answer's {@code Retry-After} in seconds (Drive sends seconds), else the back-off's first interval. */
    private Duration retryAfter(HttpResponse response) {
        String value = response.getHeaders().getRetryAfter();
        if (value != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                // an HTTP date or garbage: the back-off's interval below
            }
        }
        return settings.retryInitialInterval();
    }

    private static final class OnIOException implements HttpIOExceptionHandler {

        private final HttpBackOffIOExceptionHandler backOff;

        OnIOException(HttpBackOffIOExceptionHandler backOff) {
            this.backOff = backOff;
        }

        @Override
        public boolean handleIOException(HttpRequest request, boolean supportsRetry) throws IOException {
            boolean retry = backOff.handleIOException(request, supportsRetry);
            if (retry) {
                resendChunkAsStatusQuery(request);
            }
            return retry;
        }
    }
}

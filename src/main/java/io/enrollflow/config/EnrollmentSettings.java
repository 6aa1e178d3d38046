package io.enrollflow.config;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The backend's enrollment API: the {@code enrollflow.enroll.*} settings but the rate limit (a fleet-wide limit, with
 * the others in {@link LimitSettings}).
 *
 * @param url             the endpoint POSTed to
 * @param token           sent as a bearer token when not empty; never logged
 * @param timeout         how long one call may take, the whole answer included
 * @param alreadyEnrolled a refusal whose message matches means the account is enrolled already
 */
public record EnrollmentSettings(URI url, String token, Duration timeout, Pattern alreadyEnrolled) {

    public static final String URL = "enrollflow.enroll.url";
    public static final String TOKEN = "enrollflow.enroll.token";
    public static final String TIMEOUT = "enrollflow.enroll.timeout";
    public static final String ALREADY_ENROLLED_PATTERN = "enrollflow.enroll.already-enrolled-pattern";

    public static EnrollmentSettings from(Settings settings) {
        return new EnrollmentSettings(settings.httpUrl(URL), settings.text(TOKEN), settings.duration(TIMEOUT),
                settings.pattern(ALREADY_ENROLLED_PATTERN));
    }

    /** The token never reaches a log line; the URL is shown without user info or query. */
    @Override
    public String toString() {
        return "EnrollmentSettings[url=" + Redact.url(url.toString()) + ", token=" + (token.isEmpty() ? "" : "***")
                + ", timeout=" + timeout + ", alreadyEnrolled=" + alreadyEnrolled + "]";
    }
}

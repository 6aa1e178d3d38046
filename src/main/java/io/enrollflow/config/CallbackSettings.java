package io.enrollflow.config;

import java.time.Duration;

/**
 * Status callbacks (docs/contract.md §3): the {@code enrollflow.status.callback-*} settings.
 *
 * @param url      the URL each transition is POSTed to, {@code ${taskId}} filled in; empty = off
 * @param attempts attempts per transition, the first included
 * @param timeout  how long one attempt may take
 */
public record CallbackSettings(String url, int attempts, Duration timeout) {

    public static final String URL = "enrollflow.status.callback-url";
    public static final String ATTEMPTS = "enrollflow.status.callback-attempts";
    public static final String TIMEOUT = "enrollflow.status.callback-timeout";

    /** The one placeholder a callback URL may hold. */
    public static final String TASK_ID = "${taskId}";

    public static CallbackSettings from(Settings settings) {
        String url = settings.text(URL);
        if (!url.isEmpty()) {
            // checked with a task id in place of the placeholder: '$' and braces are not URL characters
            Settings.httpUrl(URL, url.replace(TASK_ID, "taskId"));
        }
        return new CallbackSettings(url, settings.integer(ATTEMPTS, 1, 100), settings.duration(TIMEOUT));
    }

    /** True when transitions are POSTed. */
    public boolean enabled() {
        return !url.isEmpty();
    }

    /** The URL may carry a token in its query or user info: shown redacted. */
    @Override
    public String toString() {
        return "CallbackSettings[url=" + Redact.url(url) + ", attempts=" + attempts + ", timeout=" + timeout + "]";
    }
}

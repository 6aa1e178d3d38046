package io.enrollflow.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The console's own URLs: a value put in a path segment or a query parameter is percent-encoded first. */
final class Links {

    private Links() {
    }

    /** A query parameter value or path segment, percent-encoded (a space as {@code %20}). */
    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A task's page. */
    static String task(String taskId) {
        return "/tasks/" + encode(taskId);
    }
}

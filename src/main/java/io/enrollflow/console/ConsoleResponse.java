package io.enrollflow.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One answer of the console: status, headers (a name may repeat, e.g. Set-Cookie) and body. The security headers
 * every answer carries are added by {@link Console}.
 */
public record ConsoleResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    public static ConsoleResponse html(int status, String html) {
        return of(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public static ConsoleResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static ConsoleResponse of(int status, String contentType, byte[] body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Content-Type", contentType));
        return new ConsoleResponse(status, headers, body);
    }

    /** 303 See Other: after an action, the browser GETs the page again (a reload does not repeat the action). */
    public static ConsoleResponse redirect(String location) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Location", location));
        return new ConsoleResponse(303, headers, new byte[0]);
    }

    public ConsoleResponse with(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }
}

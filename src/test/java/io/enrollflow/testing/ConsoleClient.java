package io.enrollflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operators' console over plain HTTP, as a script (or an attacker holding an old cookie) would use it: sign in with
 * a token and keep the cookie, load pages, read a page's CSRF token, post forms. Redirects are not followed, so a
 * test sees where the console sends it.
 */
public final class ConsoleClient {

    /** The session cookie's name. */
    public static final String COOKIE = "enrollflow_console";

    /** One answer: status, body, {@code Location}, {@code Set-Cookie} and {@code Retry-After} (null when absent). */
    public record Page(int status, String body, String location, String setCookie, String retryAfter) {

        /** The session cookie's value this answer sets, or null. */
        public String cookie() {
            if (setCookie == null || !setCookie.startsWith(COOKIE + "=")) {
                return null;
            }
            String value = setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'));
            return value.isEmpty() ? null : value;
        }
    }

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"csrf\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** The console on {@code http://127.0.0.1:<port>}. */
    public ConsoleClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Posts the sign-in form with this token. */
    public Page signIn(String token) {
        return post("/sign-in", null, Map.of("token", token));
    }

    /** Signs in with this token and answers the session cookie; fails when no session is opened. */
    public String session(String token) {
        Page page = signIn(token);
        if (page.status() != 303 || page.cookie() == null) {
            throw new AssertionError("sign-in opened no session: " + page);
        }
        return page.cookie();
    }

    /** GET with this session cookie (null: none). */
    public Page get(String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        return send(request, cookie);
    }

    /** The CSRF token the overview page gives this session's forms; null when the page shows none. */
    public String csrf(String cookie) {
        Matcher m = CSRF.matcher(get("/", cookie).body());
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    /** POSTs a form with this session cookie (null: none). */
    public Page post(String path, String cookie, Map<String, String> form) {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(request, cookie);
    }

    private Page send(HttpRequest.Builder request, String cookie) {
        if (cookie != null) {
            request.header("Cookie", COOKIE + "=" + cookie);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Page(response.statusCode(), response.body(), response.headers().firstValue("Location").orElse(null),
                    response.headers().firstValue("Set-Cookie").orElse(null),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

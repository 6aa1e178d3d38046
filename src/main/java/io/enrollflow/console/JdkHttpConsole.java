package io.enrollflow.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console as a JDK {@link HttpHandler}: turns an {@link HttpExchange} into a {@link ConsoleRequest} and writes the
 * {@link ConsoleResponse} back. The only class of the console that knows the exchange's shape; the management server
 * mounts it as a plain handler.
 */
public final class JdkHttpConsole implements HttpHandler {

    /**
     * Largest form body read (the JDK server caps headers, not bodies; docs/contract.md §10): a full page of selected dead
     * letters (100 ids of at most 64 characters) fits twice over; anything larger is refused with 413.
     */
    static final int MAX_FORM_BYTES = 16 * 1024;

    private final Console console;

    public JdkHttpConsole(Console console) {
        this.console = console;
    }

    /** Answers one exchange (the caller closes it). */
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        ConsoleResponse response;
        ConsoleRequest request = read(exchange);
        response = request == null ? ConsoleResponse.text(413, "request body too large") : console.handle(request);
        for (Map.Entry<String, String> header : response.headers()) {
            exchange.getResponseHeaders().add(header.getKey(), header.getValue());
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        boolean empty = head || response.body().length == 0;
        exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    /** The request, or null when its body is larger than {@link #MAX_FORM_BYTES}. */
    static ConsoleRequest read(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        Map<String, List<String>> form = Map.of();
        String type = headers.getOrDefault("content-type", "");
        if (exchange.getRequestMethod().equals("POST") && type.startsWith("application/x-www-form-urlencoded")) {
            byte[] body = readAtMost(exchange.getRequestBody(), MAX_FORM_BYTES);
            if (body == null) {
                return null;
            }
            form = ConsoleRequest.parseUrlEncoded(new String(body, StandardCharsets.US_ASCII));
        }
        String path;
        try {
            path = URLDecoder.decode(exchange.getRequestURI().getRawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            path = "/not-found";
        }
        return new ConsoleRequest(exchange.getRequestMethod(), path,
                ConsoleRequest.parseUrlEncoded(exchange.getRequestURI().getRawQuery()), headers,
                ConsoleRequest.parseCookies(headers.get("cookie")), form,
                exchange.getRemoteAddress().getAddress().getHostAddress());
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            if (out.size() > limit) {
                return null;
            }
        }
        return out.toByteArray();
    }
}

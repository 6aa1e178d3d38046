package io.enrollflow.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a request to the management port goes (docs/contract.md §8, §11): {@code /observe/health[/live|/ready]} and
 * {@code /observe/metrics} open; {@code /api/*} behind the bearer token (none configured: 403 for every call; wrong or
 * missing: 401; the read token opens GETs only); every other path to the console when it is mounted. Also how an answer
 * is written: JSON or text, never cached, no body for HEAD.
 */
final class ManagementRouter {

    private static final Logger LOG = LogManager.getLogger(ManagementRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BearerToken token;
    private final Health health;
    private final Metrics metrics;
    private final OperatorApi api;
    /** The operators' console at every path that is not /observe or /api (null: not mounted, 404 there). */
    private volatile HttpHandler console;
    /** enrollflow.management.read-token: opens every GET of /api (never an action); null when not set. */
    private volatile BearerToken readToken;

    ManagementRouter(BearerToken token, Health health, Metrics metrics, OperatorApi api) {
        this.token = token;
        this.health = health;
        this.metrics = metrics;
        this.api = api;
    }

    void mountConsole(HttpHandler console) {
        this.console = console;
    }

    void readToken(String token) {
        this.readToken = token == null || token.isBlank() ? null : new BearerToken(token);
    }

    /** True when the management token is set (the API answers); false: closed, 403 for every call. */
    boolean apiOpen() {
        return token.check(null) != BearerToken.Verdict.NOT_CONFIGURED;
    }

    void route(HttpExchange exchange, String method, String path) throws IOException {
        switch (path) {
            case "/observe/health", "/observe/health/" -> sendHealth(exchange, method, health.overall());
            case "/observe/health/live" -> sendHealth(exchange, method, health.live());
            case "/observe/health/ready" -> sendHealth(exchange, method, health.ready());
            case "/observe/metrics" -> {
                if (!method.equals("GET")) {
                    sendJson(exchange, OperatorApi.error(405, "use GET"));
                    return;
                }
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                if (path.equals("/api") || path.startsWith("/api/")) {
                    api(exchange, method, path);
                } else if (console != null) {
                    console.handle(exchange);
                } else {
                    sendJson(exchange, OperatorApi.error(404, "no such endpoint"));
                }
            }
        }
    }

    private void api(HttpExchange exchange, String method, String path) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        BearerToken reader = readToken;
        BearerToken.Verdict verdict = token.check(authorization);
        if (verdict != BearerToken.Verdict.ACCEPTED && reader != null && reader.check(authorization) == BearerToken.Verdict.ACCEPTED) {
            if (!method.equals("GET")) {
                // the read token only looks: an action with it is forbidden, not unauthenticated
                sendJson(exchange, OperatorApi.error(403, "the read token opens GET only"));
                return;
            }
            verdict = BearerToken.Verdict.ACCEPTED;
        }
        switch (verdict) {
            case NOT_CONFIGURED -> {
                sendJson(exchange, OperatorApi.error(403, "the API is closed: set enrollflow.management.token to open it"));
                return;
            }
            case REFUSED -> {
                Event.warn(LOG).stage("management").outcome("unauthorized").kv("method", method).kv("path", path)
                        .kv("remote", exchange.getRemoteAddress().getAddress().getHostAddress()).log();
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"enrollflow\"");
                sendJson(exchange, OperatorApi.error(401, "a valid bearer token is required"));
                return;
            }
            case ACCEPTED -> {
                // go on
            }
        }
        List<String> segments = new ArrayList<>();
        for (String part : path.substring("/api".length()).split("/")) {
            if (!part.isEmpty()) {
                segments.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        OperatorApi.Answer answer = api.handle(method, segments, query(exchange.getRequestURI().getRawQuery()));
        if (!method.equals("GET")) {
            Event.info(LOG).task(taskOf(segments, method)).stage("management").outcome("api").kv("method", method)
                    .kv("path", path).kv("status", answer.status()).log();
        }
        sendJson(exchange, answer);
    }

    /** The task a call is about, for the log line's first field; "-" for calls about many or none. */
    private static String taskOf(List<String> segments, String method) {
        boolean aboutOne = segments.size() >= 2 && (segments.get(0).equals("tasks") || segments.get(0).equals("dead-letters"))
                && !(segments.size() == 2 && segments.get(1).equals("replay") && method.equals("POST"));
        return aboutOne ? segments.get(1) : "-";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static void sendHealth(HttpExchange exchange, String method, Health.Report report) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            sendJson(exchange, OperatorApi.error(405, "use GET"));
            return;
        }
        sendJson(exchange, new OperatorApi.Answer(report.up() ? 200 : 503, report.json()));
    }

    static void sendJson(HttpExchange exchange, OperatorApi.Answer answer) throws IOException {
        send(exchange, answer.status(), "application/json", json(answer.body()));
    }

    private static byte[] json(JsonNode node) throws IOException {
        return JSON.writeValueAsBytes(node);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}

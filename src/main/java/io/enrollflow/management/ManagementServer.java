package io.enrollflow.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.support.service.ServiceSupport;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The management HTTP server (CONTRACT §8) on {@code enrollflow.management.host}:{@code enrollflow.management.port}:
 * {@code /observe/health[/live|/ready]} and {@code /observe/metrics} open, {@code /api/*} behind the bearer token
 * ({@link BearerToken}: none configured → 403 for every call, wrong or missing → 401), all on one port.
 * <p>
 * Why our own small server on the JDK's {@code com.sun.net.httpserver.HttpServer} rather than camel-platform-http-main
 * with camel-health and camel-micrometer-prometheus: the contract wants health, metrics and the API on one port, and in
 * Camel 4.17.0 the management settings are ignored when {@code camel.server} and {@code camel.management} share a port
 * (CAMEL-25462); the platform-http stack would also bring Vert.x and Camel's own health/metric shapes, while ours are a
 * few classes: a pool of {@link #THREADS} to {@link #MAX_THREADS} threads, JSON by Jackson, Prometheus text by Micrometer's registry. It
 * is also off the Camel routes entirely, so a busy pipeline never delays a probe.
 * <p>
 * Lifecycle: a Camel service of the runtime — started with the context (ready reports DOWN until the routes run),
 * stopped after the routes during shutdown (ready DOWN while stopping). When the port cannot be bound the runtime goes
 * on without it and says so in a WARN: processing tasks matters more than answering probes, and the failing probes
 * make the problem visible.
 */
public class ManagementServer extends ServiceSupport {

    /** Threads kept serving requests: probes and scrapes are quick; the API's replays are rare. */
    static final int THREADS = 4;
    /**
     * The most threads serving at once. The JDK server reads a request's line and headers on the serving thread, so a
     * client that sends half a request holds one until {@link #MAX_REQUEST_SECONDS} pass; beyond {@link #THREADS}
     * the pool grows (threads cost little while they wait) so that dozens of such clients leave room for the probes.
     * Past this bound a request is not served and its connection is closed by the same timer.
     */
    static final int MAX_THREADS = 128;
    /** A request's line and headers must arrive whole within this many seconds, or the connection is closed. */
    static final int MAX_REQUEST_SECONDS = 5;
    /** An answer must be taken by the client within this many seconds, or the connection is closed. */
    static final int MAX_RESPONSE_SECONDS = 30;
    /** The most header lines, and bytes of them, a request may have (the JDK's defaults are 200 and 380 KiB). */
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    static {
        limitSlowClients();
    }

    /**
     * Sets the JDK server's own limits on requests (CONTRACT §8: a request must arrive whole within a few seconds;
     * §10: management requests are capped in size). They are system properties read once, when the first JDK HTTP
     * server of the process is made: {@code main} calls this first thing, and this class's loading does too. A value
     * the operator set with {@code -D} is kept.
     */
    public static void limitSlowClients() {
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
        setIfAbsent("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        // the JDK server sends an answer's headers and body as two writes; with Nagle's algorithm on, the body waits
        // for the client's delayed ACK (about 40 ms on Linux) on every small answer
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;
    private final BearerToken token;
    private final Health health;
    private final Metrics metrics;
    private final OperatorApi api;
    private HttpServer server;
    private ExecutorService executor;
    /** The operators' console at every path that is not /observe or /api (null: not mounted, 404 there). */
    private volatile io.enrollflow.console.JdkHttpConsole console;
    /** enrollflow.management.read-token: opens every GET of /api (never an action); null when not set. */
    private volatile BearerToken readToken;

    public ManagementServer(String host, int port, String token, Health health, Metrics metrics, OperatorApi api) {
        this.host = host;
        this.port = port;
        this.token = new BearerToken(token);
        this.health = health;
        this.metrics = metrics;
        this.api = api;
    }

    /** Mounts the operators' console at {@code /} (CONTRACT §11). */
    public void mountConsole(io.enrollflow.console.JdkHttpConsole console) {
        this.console = console;
    }

    /** Sets the read token (empty: none): it opens every GET of the API and nothing else. */
    public void readToken(String token) {
        this.readToken = token == null || token.isBlank() ? null : new BearerToken(token);
    }

    /** The port listened on; -1 when not listening. */
    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    protected void doStart() throws Exception {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 50);
        } catch (BindException e) {
            LOG.warn("task=- stage=management outcome=not-listening address={}:{} error=\"{}\" note=\"health, metrics and "
                    + "the API are off in this instance; free the port or set enrollflow.management.port\"", host, port, e.getMessage());
            return;
        }
        AtomicInteger count = new AtomicInteger();
        AtomicLong lastRefusal = new AtomicLong();
        // No queue: a request waiting behind stalled ones would wait for them to time out, so the pool grows instead,
        // up to MAX_THREADS. A request beyond that is not run; its connection stays in the server's "request started"
        // list and is closed by the maxReqTime timer, freeing everything.
        executor = new ThreadPoolExecutor(THREADS, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "enrollflow-management-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, (request, pool) -> {
            long now = System.nanoTime();
            long last = lastRefusal.get();
            if (now - last > TimeUnit.SECONDS.toNanos(10) && lastRefusal.compareAndSet(last, now)) {
                LOG.warn("task=- stage=management outcome=busy threads={} note=\"every serving thread is taken (slow "
                        + "clients?); requests are dropped until some finish or time out after {}s\"", MAX_THREADS,
                        MAX_REQUEST_SECONDS);
            }
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("task=- stage=management outcome=listening address={}:{} api={}", host, port(),
                token.check(null) == BearerToken.Verdict.NOT_CONFIGURED ? "closed (no enrollflow.management.token)" : "token");
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop(1);
            server = null;
        }
        if (executor != null) {
            executor.shutdown();
            executor.awaitTermination(2, TimeUnit.SECONDS);
            executor = null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            try {
                route(exchange, method, path);
            } catch (RedisException e) {
                // Redis unreachable: nothing was changed that is not recorded; the caller may try again
                sendJson(exchange, OperatorApi.error(503, "Redis is unreachable; try again"));
            } catch (RuntimeException e) {
                LOG.error("task=- stage=management outcome=error method={} path={}", method, path, e);
                sendJson(exchange, OperatorApi.error(500, "internal error; see the instance's log"));
            }
        } catch (IOException e) {
            // the client went away before the answer: nothing to do
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
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
                LOG.warn("task=- stage=management outcome=unauthorized method={} path={} remote={}", method, path,
                        exchange.getRemoteAddress().getAddress().getHostAddress());
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
            LOG.info("task={} stage=management outcome=api method={} path={} status={}", taskOf(segments, method), method,
                    path, answer.status());
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

    private static void sendJson(HttpExchange exchange, OperatorApi.Answer answer) throws IOException {
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

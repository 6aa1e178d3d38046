package io.enrollflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.enrollflow.util.Json;
import io.enrollflow.util.WebUrls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's enrollment API: a small HTTP server on 127.0.0.1 and a free port that answers like the backend's
 * (docs/contract.md §4). {@code POST /api/v1/enroll} with {@code {"urls":[...],"email":...}} answers 200 with one result per
 * URL:
 * <ul>
 *   <li>a course of {@link #CATALOGUE}: {@code {"success":true,"message":"enrolled"}};</li>
 *   <li>a course the buyer already has ({@link #ALREADY_ENROLLED}): {@code success:false}, "Already enrolled in
 *       this course" — which enrollflow treats as enrolled;</li>
 *   <li>any other course: {@code success:false}, "course not found: no such course in the catalogue" — which
 *       enrollflow treats as a rejection (the task fails, no retry).</li>
 * </ul>
 * The first call for {@link #WARMING_UP_COURSE} answers 502, as a proxy in front of a backend that is restarting would,
 * so that the demo shows enrollflow's retry. A body that is not the expected JSON gets a 400. Lifecycle: {@link #start()}, {@link #close()}.
 */
public final class SampleEnrollmentService implements AutoCloseable {

    /** The course slugs (the last segment of a course URL) that exist. */
    public static final Set<String> CATALOGUE =
            Set.of("java-101", "python-basics", "sql-in-a-day", "docker-essentials", "kotlin-coroutines");
    /** Enrollments that exist before the demo starts: "email course-slug". */
    public static final Set<String> ALREADY_ENROLLED = Set.of("carla@example.com docker-essentials");
    /** Answers 502 on its first call, then enrolls. */
    public static final String WARMING_UP_COURSE = "kotlin-coroutines";

    public static final String PATH = "/api/v1/enroll";

    private static final ObjectMapper JSON = Json.MAPPER;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> enrollments = ConcurrentHashMap.newKeySet();
    private final Set<String> warmedUp = ConcurrentHashMap.newKeySet();

    private SampleEnrollmentService(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.enrollments.addAll(ALREADY_ENROLLED);
    }

    /** Starts on 127.0.0.1 and a port the system picks (free by construction). */
    public static SampleEnrollmentService start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "sample-enrollment");
                thread.setDaemon(true);
                return thread;
            });
            SampleEnrollmentService service = new SampleEnrollmentService(server, executor);
            server.createContext(PATH, service::handle);
            server.setExecutor(executor);
            server.start();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("the sample enrollment service did not start", e);
        }
    }

    /** The value for {@code enrollflow.enroll.url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                send(exchange, 405, error("use POST"));
                return;
            }
            JsonNode request;
            try (InputStream in = exchange.getRequestBody()) {
                request = JSON.readTree(in);
            } catch (IOException notJson) {
                send(exchange, 400, error("the body is not JSON"));
                return;
            }
            JsonNode urls = request == null ? null : request.get("urls");
            JsonNode email = request == null ? null : request.get("email");
            if (urls == null || !urls.isArray() || urls.isEmpty() || email == null || !email.isTextual()) {
                send(exchange, 400, error("expected {\"urls\":[...],\"email\":\"...\"}"));
                return;
            }
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode results = answer.putArray("results");
            for (JsonNode url : urls) {
                String course = SampleDownload.courseName(url.asText());
                if (course.equals(WARMING_UP_COURSE) && warmedUp.add(course)) {
                    send(exchange, 502, error("bad gateway: the enrollment service is restarting"));
                    return;
                }
                results.add(enroll(email.asText().toLowerCase(), course, url.asText()));
            }
            send(exchange, 200, answer);
        }
    }

    private ObjectNode enroll(String email, String course, String url) {
        ObjectNode result = JSON.createObjectNode();
        result.put("url", url);
        if (!CATALOGUE.contains(course) || !WebUrls.isHttp(url)) {
            result.put("success", false);
            result.put("message", "course not found: no such course in the catalogue");
        } else if (!enrollments.add(email + " " + course)) {
            result.put("success", false);
            result.put("message", "Already enrolled in this course");
        } else {
            result.put("success", true);
            result.put("message", "enrolled");
        }
        return result;
    }

    private static ObjectNode error(String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        return node;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

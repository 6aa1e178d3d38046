package io.enrollflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The backend's enrollment API of docs/contract.md §4, played by a real HTTP server (the JDK's) on a free port of 127.0.0.1.
 * <p>
 * Lifecycle: listening from construction until {@link #stop()}; as an instance {@code @RegisterExtension} field it is
 * stopped after each test; made with {@link #perClass()} and registered as a static field, it serves the whole class
 * and is {@link #reset()} after each test. By default every call is answered {@code 200 {"results":[{"success":true,"message":"ok"}]}};
 * {@link #answer(String, Answer...)} programs the answers for one course URL (read from the request's
 * {@code urls[0]}): each call takes the next answer, and the last one keeps being given. Every request is recorded
 * ({@link #requests()}), so tests can check its JSON and headers.
 * <pre>{@code
 * @RegisterExtension
 * final EnrollmentApiStub api = new EnrollmentApiStub();
 * ...
 * api.answer(courseUrl, Answer.status(503, "down"), Answer.success());
 * }</pre>
 */
public final class EnrollmentApiStub implements AfterEachCallback, AfterAllCallback, AutoCloseable {

    /** The path the stub serves, as the default {@code enrollflow.enroll.url} has it. */
    public static final String PATH = "/api/v1/enroll";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "enrollment-api-stub");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> answers = new HashMap<>();
    private Answer defaultAnswer = Answer.success();
    private volatile boolean stopped;
    private boolean perClass;

    /** A stub for the whole test class (static field): reset after each test, stopped after the class. */
    public static EnrollmentApiStub perClass() {
        EnrollmentApiStub stub = new EnrollmentApiStub();
        stub.perClass = true;
        return stub;
    }

    /** Starts listening on a free port. */
    public EnrollmentApiStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("the enrollment API stub could not listen", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>/api/v1/enroll}: the value for {@code enrollflow.enroll.url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Programs the answers for one course URL: one per call, the last one repeated for every further call. */
    public synchronized EnrollmentApiStub answer(String courseUrl, Answer... sequence) {
        if (sequence.length == 0) {
            throw new IllegalArgumentException("give at least one answer");
        }
        answers.put(courseUrl, new ArrayDeque<>(List.of(sequence)));
        return this;
    }

    /** The answer for every course URL without answers of its own. */
    public synchronized EnrollmentApiStub answerByDefault(Answer answer) {
        this.defaultAnswer = answer;
        return this;
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** When each request arrived ({@link System#nanoTime()}), in order: what a rate limit is checked against. */
    public List<Long> arrivalNanos() {
        return List.copyOf(arrivals);
    }

    /** The requests whose {@code urls[0]} is this course URL. */
    public List<Request> requestsFor(String courseUrl) {
        return requests.stream().filter(r -> courseUrl.equals(r.courseUrl())).toList();
    }

    /** How many calls were made for this course URL. */
    public int calls(String courseUrl) {
        return requestsFor(courseUrl).size();
    }

    /** Stops listening: later calls meet a refused connection. Idempotent. */
    public void stop() {
        if (!stopped) {
            stopped = true;
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Forgets the programmed answers and the recorded requests. */
    public synchronized void reset() {
        answers.clear();
        defaultAnswer = Answer.success();
        requests.clear();
        arrivals.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perClass) {
            reset();
        } else {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            arrivals.add(System.nanoTime());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body,
                    exchange.getRemoteAddress().getPort());
            requests.add(request);
            Answer answer = next(request.courseUrl());
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // the client gave up (its timeout): nothing to answer
        }
    }

    private synchronized Answer next(String courseUrl) {
        Deque<Answer> queue = courseUrl == null ? null : answers.get(courseUrl);
        if (queue == null || queue.isEmpty()) {
            return defaultAnswer;
        }
        return queue.size() > 1 ? queue.poll() : queue.peek();
    }

    /**
     * One answer of the stub.
     *
     * @param status      the HTTP status
     * @param body        the body ("" for none)
     * @param contentType its Content-Type
     * @param delay       how long to wait before answering (longer than enrollflow.enroll.timeout: a timeout)
     */
    public record Answer(int status, String body, String contentType, Duration delay) {

        /** 200, {@code results[0].success == true}. */
        public static Answer success() {
            return result(true, "ok");
        }

        /** 200, {@code results[0].success == false} with this message. */
        public static Answer rejected(String message) {
            return result(false, message);
        }

        /** 200, refused because the account is enrolled already (the default already-enrolled pattern matches). */
        public static Answer alreadyEnrolled() {
            return result(false, "User is Already Enrolled in this course");
        }

        /** Any status with a JSON (or other text) body. */
        public static Answer status(int status, String body) {
            return new Answer(status, body, "application/json", Duration.ZERO);
        }

        /** 200 with a body that is not the expected JSON. */
        public static Answer garbage() {
            return new Answer(200, "<html><body>502 Bad Gateway</body></html>", "text/html", Duration.ZERO);
        }

        /** The same answer, given after waiting this long. */
        public Answer after(Duration wait) {
            return new Answer(status, body, contentType, wait);
        }

        private static Answer result(boolean success, String message) {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode result = body.putArray("results").addObject();
            result.put("success", success);
            result.put("message", message);
            return new Answer(200, body.toString(), "application/json", Duration.ZERO);
        }
    }

    /**
     * One request as received.
     *
     * @param headers    case-insensitive names
     * @param clientPort the caller's port: requests over one kept-alive connection share it, a new connection has
     *                   another
     */
    public record Request(String method, String path, Map<String, List<String>> headers, String body, int clientPort) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** Every header name, lower-cased. */
        public List<String> headerNames() {
            List<String> names = new ArrayList<>();
            headers.keySet().forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
            return names;
        }

        /** The body as JSON; null when it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        /** {@code urls[0]} of the body, or null. */
        public String courseUrl() {
            JsonNode json = json();
            JsonNode url = json == null ? null : json.path("urls").path(0);
            return url == null || !url.isTextual() ? null : url.asText();
        }
    }
}

package io.enrollflow.tracing;

import com.sun.net.httpserver.HttpServer;
import io.enrollflow.delivery.drive.DriveStandIn;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.OtlpReceiver;
import io.enrollflow.testing.OtlpReceiver.ReceivedSpan;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces (docs/contract.md §8) from the built jar with OTLP pointed at an in-test collector ({@link OtlpReceiver}),
 * delivering to the Drive stand-in, with status callbacks on: one task is one trace holding its steps, the enrollment
 * call, the download command, each Drive request and each callback; the enrollment API and the callback receiver get a
 * traceparent of that trace; a task pushed with a traceparent runs as that span's child; and no span holds the buyer's
 * email, the enrollment token or a URL's query.
 */
class TracingIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String TOKEN = "enroll-token-s3cr3t-2f9d71c4";
    private static final String EMAIL = "tracing-buyer@example.com";
    private static final String COURSE_QUERY = "ref=course-query-s3cr3t";
    private static final String CALLBACK_QUERY = "sig=callback-s1gnature";
    private static final String QUEUE_SPAN = "process enrollflow:tasks";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.keepingDataBetweenTests();
    @RegisterExtension
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @TempDir
    static Path tmp;

    private static final OtlpReceiver collector = new OtlpReceiver();
    private static final List<Map<String, String>> callbacks = new CopyOnWriteArrayList<>();
    private static HttpServer callbackReceiver;
    private static DriveStandIn drive;
    private static EnrollflowJar.Running jar;

    @BeforeAll
    static void startTheJarWithTracingOn() throws IOException {
        callbackReceiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        callbackReceiver.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Map<String, String> seen = new HashMap<>();
                seen.put("path", exchange.getRequestURI().getPath());
                seen.put("traceparent", exchange.getRequestHeaders().getFirst("traceparent"));
                callbacks.add(seen);
                exchange.sendResponseHeaders(200, -1);
            }
        });
        callbackReceiver.start();
        drive = DriveStandIn.start();
        String parentId = drive.createFolder(null, "Deliveries");
        DownloadScripts scripts = new DownloadScripts(tmp.resolve("scripts"));

        Map<String, String> env = new HashMap<>();
        env.put("ENROLLFLOW_REDIS_URL", redis.url());
        env.put("ENROLLFLOW_ENROLL_URL", api.url());
        env.put("ENROLLFLOW_ENROLL_TOKEN", TOKEN);
        env.put("ENROLLFLOW_DOWNLOAD_COMMAND", scripts.writesCourse().command());
        env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", tmp.resolve("work").toString());
        env.put("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", drive.writeKeyFile(tmp.resolve("key.json")).toString());
        env.put("ENROLLFLOW_DRIVE_PARENT_FOLDER_ID", parentId);
        env.put("ENROLLFLOW_DRIVE_ROOT_URL", drive.rootUrl());
        env.put("ENROLLFLOW_STATUS_CALLBACK_URL", "http://127.0.0.1:" + callbackReceiver.getAddress().getPort()
                + "/hooks/${taskId}?" + CALLBACK_QUERY);
        env.put("ENROLLFLOW_MANAGEMENT_PORT", "0");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
        env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
        Path dir = Files.createDirectories(tmp.resolve("jar-run"));
        jar = EnrollflowJar.in(dir).env(env).logTo(dir.resolve("jar.log")).start("run");
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (jar != null) {
                jar.close();
            }
        } finally {
            callbackReceiver.stop(0);
            collector.close();
            if (drive != null) {
                drive.close();
            }
        }
    }

    @Test
    void oneTaskIsOneTraceWithItsStepsItsHttpCallsAndItsCallbacksAndTheCallsCarryThatTrace() {
        Tasks task = aTask().id("traced-1").email(EMAIL).courseUrl(Tasks.COURSE_URL + "?" + COURSE_QUERY);

        redis.lpush(Pipeline.QUEUE, task.json());
        awaitCompleted(task.taskId());
        // the callbacks and their spans follow the task's completion
        Pipeline.await(WAIT).until(() -> callbacksFor(task.taskId()).size() == 5
                && spansNamed("POST").stream().filter(s -> s.attribute("url.full").endsWith("/hooks/" + task.taskId())).count() == 5);

        ReceivedSpan root = root(task.taskId());
        List<ReceivedSpan> trace = collector.trace(root.traceId());
        assertEquals("", root.parentSpanId(), "a task pushed without a traceparent starts a trace");
        assertEquals(1, trace.stream().filter(s -> s.parentSpanId().isEmpty()).count(), "one root: " + names(trace));
        Set<String> ids = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        for (ReceivedSpan span : trace) {
            assertTrue(span.parentSpanId().isEmpty() || ids.contains(span.parentSpanId()), span.name() + " hangs in the trace");
        }
        assertEquals(Set.of(root.traceId()), collector.spans().stream()
                .filter(s -> task.taskId().equals(s.attribute("enrollflow.task.id"))
                        || String.valueOf(s.attribute("url.full")).endsWith("/hooks/" + task.taskId()))
                .map(ReceivedSpan::traceId).collect(Collectors.toSet()), "everything about the task is in its one trace");

        Set<String> names = trace.stream().map(ReceivedSpan::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of(QUEUE_SPAN, "claim", "enroll", "download", "download command", "deliver",
                "drive-files/create", "drive-permissions/create")), names.toString());
        ReceivedSpan enrollment = only(trace, s -> "CLIENT".equals(s.kind()) && api.url().equals(s.attribute("url.full")));
        assertEquals("POST", enrollment.attribute("http.request.method"));
        assertEquals("200", enrollment.attribute("http.response.status_code"));
        List<ReceivedSpan> driveRequests = trace.stream().filter(s -> "CLIENT".equals(s.kind())
                && s.attribute("url.full").startsWith(drive.rootUrl())).toList();
        assertTrue(driveRequests.size() >= 4, "each Drive request a span: " + names(driveRequests));
        assertEquals(5, trace.stream().filter(s -> "POST".equals(s.name())
                && s.attribute("url.full").endsWith("/hooks/" + task.taskId())).count(), "each callback a span");
        assertEquals("enrollflow", root.resource().get("service.name"));

        String traceparent = api.requestsFor(task.courseUrl()).get(0).header("traceparent");
        assertEquals(root.traceId(), traceIdOf(traceparent), "the enrollment API continues the task's trace");
        assertEquals(enrollment.spanId(), traceparent.split("-")[2], "under the call's own span");
        for (Map<String, String> callback : callbacksFor(task.taskId())) {
            assertEquals(root.traceId(), traceIdOf(callback.get("traceparent")), "each callback continues the trace");
        }

        for (ReceivedSpan span : collector.spans()) {
            for (String text : span.texts()) {
                assertFalse(text.contains(EMAIL), span.name() + " holds the email: " + text);
                assertFalse(text.contains(TOKEN), span.name() + " holds the token: " + text);
                assertFalse(text.contains(COURSE_QUERY) || text.contains(CALLBACK_QUERY) || text.contains("?"),
                        span.name() + " holds a URL's query: " + text);
            }
        }
        collector.statusMessages().forEach(message -> assertFalse(message.contains(EMAIL) || message.contains("?"), message));
    }

    @Test
    void aTaskPushedWithATraceparentRunsAsTheChildOfThatSpan() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentId = "00f067aa0ba902b7";
        Tasks task = aTask().id("traced-2").with("traceparent", "00-" + traceId + "-" + parentId + "-01");

        redis.lpush(Pipeline.QUEUE, task.json());
        awaitCompleted(task.taskId());
        Pipeline.await(WAIT).until(() -> rootOrNull(task.taskId()) != null);

        ReceivedSpan root = root(task.taskId());
        assertEquals(traceId, root.traceId(), "the backend's trace");
        assertEquals(parentId, root.parentSpanId(), "under the span that pushed the task");
        assertEquals(traceId, traceIdOf(api.requestsFor(task.courseUrl()).get(0).header("traceparent")));
    }

    @Test
    void anOtlpProtocolOtherThanHttpStopsStartUpWithOneLineNamingTheVariable() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("grpc-run"));
        EnrollflowJar.Result result = EnrollflowJar.in(dir).env(Map.of("ENROLLFLOW_REDIS_URL", redis.url(),
                        "ENROLLFLOW_DOWNLOAD_COMMAND", "true", "ENROLLFLOW_DELIVERY_TARGET", "folder",
                        "ENROLLFLOW_MANAGEMENT_PORT", "0", "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"))
                .run("run");

        assertEquals(2, result.exitCode(), result.toString());
        List<String> naming = result.stderrLines().stream().filter(line -> line.contains("OTEL_EXPORTER_OTLP_PROTOCOL")).toList();
        assertEquals(List.of("enrollflow: configuration error: OTEL_EXPORTER_OTLP_PROTOCOL: \"grpc\" is not supported: "
                + "enrollflow exports OTLP over HTTP (http/protobuf)"), naming, result.toString());
        assertTrue(result.stderrLines().stream().noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by")),
                result.toString());
    }

    @Test
    void anOtelValueTheSdkRefusesStopsStartUpWithOneLine() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sampler-run"));
        EnrollflowJar.Result result = EnrollflowJar.in(dir).env(Map.of("ENROLLFLOW_REDIS_URL", redis.url(),
                        "ENROLLFLOW_DOWNLOAD_COMMAND", "true", "ENROLLFLOW_DELIVERY_TARGET", "folder",
                        "ENROLLFLOW_MANAGEMENT_PORT", "0", "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                        "OTEL_TRACES_SAMPLER", "sometimes"))
                .run("run");

        assertEquals(2, result.exitCode(), result.toString());
        List<String> naming = result.stderrLines().stream().filter(line -> line.contains("sometimes")).toList();
        assertEquals(1, naming.size(), result.toString());
        assertTrue(naming.get(0).startsWith("enrollflow: configuration error: OTEL_* (tracing): "), naming.get(0));
        assertTrue(naming.get(0).contains("otel.traces.sampler"), naming.get(0));
    }

    private static void awaitCompleted(String taskId) {
        Pipeline.await(WAIT).until(() -> {
            assertTrue(jar.isAlive(), jar.log());
            String status = redis.hash(taskId).get("status");
            assertFalse("failed".equals(status), taskId + " failed: " + redis.hash(taskId) + "\n" + jar.log());
            return "completed".equals(status);
        });
    }

    private static List<Map<String, String>> callbacksFor(String taskId) {
        return callbacks.stream().filter(c -> c.get("path").equals("/hooks/" + taskId)).toList();
    }

    private static List<ReceivedSpan> spansNamed(String name) {
        return collector.spans().stream().filter(s -> name.equals(s.name())).toList();
    }

    private static ReceivedSpan rootOrNull(String taskId) {
        return collector.spans().stream().filter(s -> QUEUE_SPAN.equals(s.name())
                && taskId.equals(s.attribute("enrollflow.task.id"))).findFirst().orElse(null);
    }

    private static ReceivedSpan root(String taskId) {
        ReceivedSpan root = rootOrNull(taskId);
        assertTrue(root != null, "no span of the task's run: " + names(collector.spans()));
        return root;
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, java.util.function.Predicate<ReceivedSpan> which) {
        List<ReceivedSpan> found = spans.stream().filter(which).toList();
        assertEquals(1, found.size(), "among " + names(spans));
        return found.get(0);
    }

    private static String traceIdOf(String traceparent) {
        assertTrue(traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), "traceparent: " + traceparent);
        return traceparent.split("-")[1];
    }

    private static List<String> names(List<ReceivedSpan> spans) {
        return spans.stream().map(s -> s.name() + (s.attributes().containsKey("url.full") ? " " + s.attribute("url.full") : ""))
                .toList();
    }
}

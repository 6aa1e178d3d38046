package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's {@code prometheus} binary) scraping the built jar with the shipped scrape config and
 * alert rules (deploy/observability), the config's target pointed at the test's instance and its intervals shortened,
 * and the rules as shipped but for the waiting time ({@code for:}) of the alert under test: intake paused with a task
 * that has waited twenty minutes makes {@code EnrollflowQueueLatencyHigh} fire, and resuming intake resolves it, as
 * Prometheus's {@code /api/v1/alerts} shows.
 */
class PrometheusIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String ALERT = "EnrollflowQueueLatencyHigh";
    private static final String TOKEN = "prometheus-test-token-9a4e";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    Path tmp;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopPrometheusAndTheJar() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void theQueueLatencyAlertFiresWhileIntakeIsPausedWithAnOldTaskWaitingAndResolvesWhenItIsTaken() throws Exception {
        int management = BundledRedis.freePort();
        startJar(management);
        int prometheus = startPrometheus(management);
        awaitTargetUp(prometheus);
        Http instance = new Http(management);
        assertEquals(200, instance.call("POST", "/api/intake/pause", TOKEN).status());
        // the workers see a pause through a copy of the flag up to 500 ms old (docs/operations.md): a task pushed before
        // they saw it may still be taken, and the queue would then be empty
        Path log = tmp.resolve("jar-run").resolve("jar.log");
        Pipeline.await(WAIT).until(() -> Files.readString(log).contains("outcome=paused"));
        Tasks task = aTask().with("queuedAt", Instant.now().minus(Duration.ofMinutes(20)).toString());

        redis.lpush(Pipeline.QUEUE, task.json());

        try {
            Pipeline.await(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> "firing".equals(alertState(prometheus)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(ALERT + " did not fire; Prometheus saw the queue's latency as "
                    + get(prometheus, "/api/v1/query?query=enrollflow_queue_latency_seconds").body() + ", its target as "
                    + get(prometheus, "/api/v1/targets").body() + ", its alerts as "
                    + get(prometheus, "/api/v1/alerts").body(), e);
        }
        assertEquals(1, redis.llen(Pipeline.QUEUE), "the task still waits");

        assertEquals(200, instance.call("POST", "/api/intake/resume", TOKEN).status());

        Pipeline.await(WAIT).until(() -> "completed".equals(redis.hash(task.taskId()).get("status")));
        Pipeline.await(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> alertState(prometheus) == null);
    }

    private void startJar(int managementPort) throws IOException {
        DownloadScripts scripts = new DownloadScripts(tmp.resolve("scripts"));
        Path dir = Files.createDirectories(tmp.resolve("jar-run"));
        EnrollflowJar.Running jar = EnrollflowJar.in(dir).env(Map.of(
                        "ENROLLFLOW_REDIS_URL", redis.url(),
                        "ENROLLFLOW_ENROLL_URL", api.url(),
                        "ENROLLFLOW_DOWNLOAD_COMMAND", scripts.writesCourse().command(),
                        "ENROLLFLOW_DOWNLOAD_WORK_DIR", tmp.resolve("work").toString(),
                        "ENROLLFLOW_DELIVERY_TARGET", "folder",
                        "ENROLLFLOW_DELIVERY_FOLDER", tmp.resolve("delivered").toString(),
                        "ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(managementPort),
                        "ENROLLFLOW_MANAGEMENT_TOKEN", TOKEN))
                .logTo(dir.resolve("jar.log")).start("run");
        started.add(jar);
    }

    /**
     * Prometheus on a free port with a copy of the shipped config (target: the test's instance; scrapes and
     * evaluations every second or two) and of the shipped rules (the alert under test waits 5 s instead of 2 min).
     */
    private int startPrometheus(int managementPort) throws IOException, InterruptedException {
        Path config = tmp.resolve("prometheus");
        Files.createDirectories(config);
        ObjectNode prometheusYml = (ObjectNode) YAML.readTree(AlertRulesIT.OBSERVABILITY.resolve("prometheus.yml").toFile());
        ((ObjectNode) prometheusYml.path("global")).put("scrape_interval", "2s").put("evaluation_interval", "1s");
        ObjectNode job = (ObjectNode) prometheusYml.path("scrape_configs").get(0);
        assertEquals("enrollflow", job.path("job_name").asText());
        job.put("scrape_timeout", "2s");
        ((ObjectNode) job.path("static_configs").get(0)).putArray("targets").add("127.0.0.1:" + managementPort);
        YAML.writeValue(config.resolve("prometheus.yml").toFile(), prometheusYml);
        List<String> ruleFiles = new ArrayList<>();
        prometheusYml.path("rule_files").forEach(file -> ruleFiles.add(file.asText()));
        assertEquals(List.of("alerts.yaml"), ruleFiles, "the rules the shipped config loads");

        JsonNode rules = YAML.readTree(AlertRulesIT.ALERTS.toFile());
        boolean found = false;
        for (JsonNode rule : rules.path("groups").get(0).path("rules")) {
            if (ALERT.equals(rule.path("alert").asText())) {
                ((ObjectNode) rule).put("for", "5s");
                found = true;
            }
        }
        assertTrue(found, ALERT + " is in alerts.yaml");
        YAML.writeValue(config.resolve("alerts.yaml").toFile(), rules);

        int port = BundledRedis.freePort();
        Path log = config.resolve("prometheus.log");
        Process process = new ProcessBuilder(prometheusBinary().toString(),
                "--config.file=" + config.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + config.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(() -> {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        });
        Pipeline.await(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertTrue(process.isAlive(), () -> "prometheus exited:\n" + read(log));
            try {
                return get(port, "/-/ready").statusCode() == 200;
            } catch (IOException notListeningYet) {
                return false;
            }
        });
        return port;
    }

    private void awaitTargetUp(int prometheus) {
        Pipeline.await(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode targets = JSON.readTree(get(prometheus, "/api/v1/targets").body()).path("data").path("activeTargets");
            return targets.size() == 1 && "up".equals(targets.get(0).path("health").asText());
        });
    }

    /** The alert's state in Prometheus ({@code pending}, {@code firing}), or null while it is neither. */
    private String alertState(int prometheus) throws IOException, InterruptedException {
        for (JsonNode alert : JSON.readTree(get(prometheus, "/api/v1/alerts").body()).path("data").path("alerts")) {
            if (ALERT.equals(alert.path("labels").path("alertname").asText())) {
                return alert.path("state").asText();
            }
        }
        return null;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** prometheus on the PATH, else Debian's /usr/bin/prometheus; a missing one fails the test, saying how to get it. */
    private static Path prometheusBinary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "prometheus"));
            }
        }
        candidates.add(Path.of("/usr/bin/prometheus"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "prometheus not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/observability/grafana-dashboard.json loads as a provisioning-ready dashboard, its queries are PromQL
 * Prometheus accepts, and every metric it, the alert rules and the KEDA autoscaler query is one a running runtime
 * exports at {@code /observe/metrics}, or one announced below as coming.
 */
class DashboardMetricsIT {

    /**
     * Metrics the dashboard and the rules use that the runtime does not export yet; they are being added to
     * {@code /observe/metrics}. Whoever exports one removes it here in the same change (this test fails while an
     * exported metric is still listed). This list must end empty.
     */
    static final Set<String> TO_BE_ADDED = Set.of(
            "enrollflow_queue_latency_seconds",
            "enrollflow_retry_oldest_due_age_seconds",
            "enrollflow_task_time_to_complete_seconds_bucket",
            "enrollflow_task_time_to_complete_seconds_count",
            "enrollflow_task_time_to_complete_seconds_sum",
            "enrollflow_instance_heartbeat_age_seconds",
            "enrollflow_work_disk_free_bytes");
    /** Series Prometheus itself writes for every target it scrapes. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private static final Path DASHBOARD = AlertRulesIT.OBSERVABILITY.resolve("grafana-dashboard.json");
    private static final Path KEDA = Path.of("deploy", "keda-scaledobject.yaml");
    private static final String TOKEN = "dashboard-test-token-5c1e";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    @Test
    void theDashboardIsProvisioningReadyJsonWithARowForEachPartOfTheSystem() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertEquals("enrollflow", dashboard.path("uid").asText());
        assertTrue(dashboard.path("schemaVersion").asInt() > 0);
        assertFalse(dashboard.has("__inputs"), "provisioning resolves no import inputs: the data source is a variable");
        JsonNode dataSource = variable(dashboard, "DS_PROMETHEUS");
        assertEquals("datasource", dataSource.path("type").asText());
        assertEquals("prometheus", dataSource.path("query").asText());

        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique");
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= 24, panel.path("title") + " fits the grid");
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertEquals("${DS_PROMETHEUS}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " queries something");
            for (JsonNode target : panel.path("targets")) {
                assertEquals("${DS_PROMETHEUS}", target.path("datasource").path("uid").asText(), panel.path("title").asText());
            }
        }
        assertEquals(List.of("Fleet", "Stages", "Dead letters and retries", "Fleet-wide limits", "Redis and recovery",
                "JVM"), rows);
    }

    @Test
    void everyDashboardQueryIsPromqlThatPrometheusAccepts(@TempDir Path dir) throws IOException {
        // each query as a recording rule, Grafana's variables filled in as Grafana would: promtool parses them all
        ObjectNode file = YAML.createObjectNode();
        ObjectNode group = file.putArray("groups").addObject().put("name", "dashboard");
        ArrayNode rules = group.putArray("rules");
        Map<String, String> queries = dashboardQueries();
        queries.forEach((where, expr) -> rules.addObject().put("record", "dashboard:" + where)
                .put("expr", expr.replaceAll("\\$__\\w+", "5m").replaceAll("\\$\\w+", ".*")));
        Path rulesFile = dir.resolve("dashboard-rules.yaml");
        YAML.writeValue(rulesFile.toFile(), file);

        Promtool.Result check = Promtool.run("check", "rules", rulesFile.toString());
        assertEquals(0, check.exitCode(), check + "\n" + Files.readString(rulesFile));
        assertTrue(check.output().contains("SUCCESS: " + queries.size() + " rules found"), check.toString());
    }

    @Test
    void everyMetricTheDashboardTheAlertsAndTheAutoscalerQueryIsExportedOrComing() throws Exception {
        Set<String> exported = liveMetricNames();
        Set<String> stillListed = new TreeSet<>(TO_BE_ADDED);
        stillListed.retainAll(exported);
        assertEquals(Set.of(), stillListed, "exported now: remove them from DashboardMetricsIT.TO_BE_ADDED");

        Set<String> dashboard = new TreeSet<>();
        dashboardQueries().values().forEach(expr -> dashboard.addAll(metricNames(expr)));
        // the extraction finds what the panels plainly use (a broken one would find nothing and prove nothing)
        assertTrue(dashboard.containsAll(Set.of("enrollflow_in_flight", "enrollflow_stage_duration_seconds_bucket",
                "enrollflow_limit_wait_seconds_total", "jvm_memory_used_bytes")), dashboard.toString());
        assertTrue(dashboard.size() >= 25, dashboard.toString());

        Set<String> alerts = new TreeSet<>();
        for (JsonNode rule : AlertRulesIT.rules()) {
            alerts.addAll(metricNames(rule.path("expr").asText()));
        }
        Set<String> keda = new TreeSet<>();
        for (JsonNode trigger : kedaScaledObject().path("spec").path("triggers")) {
            if (trigger.path("type").asText().equals("prometheus")) {
                keda.addAll(metricNames(trigger.path("metadata").path("query").asText()));
            }
        }
        assertFalse(keda.isEmpty(), "the autoscaler's Prometheus query");

        Map<String, Set<String>> unknown = new TreeMap<>();
        unknown.put("dashboard", unknown(dashboard, exported, Set.of()));
        unknown.put("alerts.yaml", unknown(alerts, exported, PROMETHEUS_OWN));
        unknown.put("keda-scaledobject.yaml", unknown(keda, exported, Set.of()));
        assertEquals(Map.of("dashboard", Set.of(), "alerts.yaml", Set.of(), "keda-scaledobject.yaml", Set.of()), unknown,
                "metrics neither exported by the runtime nor in TO_BE_ADDED");
    }

    private static Set<String> unknown(Set<String> used, Set<String> exported, Set<String> alsoKnown) {
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(exported);
        unknown.removeAll(TO_BE_ADDED);
        unknown.removeAll(alsoKnown);
        return unknown;
    }

    /**
     * The sample names a running runtime serves after the events that create its lazily registered series: a task
     * completed after a retry, a task refused by the enrollment API, and that dead letter replayed.
     */
    private Set<String> liveMetricNames() throws Exception {
        int port = freePort();
        pipeline.set("enrollflow.management.port", Integer.toString(port))
                .set("enrollflow.management.token", TOKEN).start();
        Tasks retried = aTask();
        retried.courseUrl("https://courses.example.com/course/" + retried.taskId() + "/");
        api.answer(retried.courseUrl(), Answer.status(503, "busy"), Answer.success());
        Tasks refused = aTask();
        refused.courseUrl("https://courses.example.com/course/" + refused.taskId() + "/");
        api.answer(refused.courseUrl(), Answer.rejected("course not found"));
        pipeline.push(retried);
        pipeline.push(refused);
        pipeline.awaitCompleted(retried.taskId());
        pipeline.awaitFailed(refused.taskId());

        Http http = new Http(port);
        Http.Answer replay = http.call("POST", "/api/dead-letters/" + refused.taskId() + "/replay", TOKEN);
        assertEquals(200, replay.status(), replay.body());
        pipeline.awaitFailed(refused.taskId());

        Http.Answer scrape = http.get("/observe/metrics");
        assertEquals(200, scrape.status());
        Set<String> names = new TreeSet<>();
        for (String line : scrape.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertTrue(names.containsAll(Set.of("enrollflow_task_retries_total", "enrollflow_dead_letter_replays_total",
                "enrollflow_tasks_finished_total")), "the lazily registered series are there: " + names);
        return names;
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w:])\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
    private static final Pattern WORD = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

    /** The metric names a PromQL expression selects: its bare words that are not functions, keywords or labels. */
    static Set<String> metricNames(String promql) {
        String text = STRING.matcher(promql).replaceAll("\"\"");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = LABEL_LIST.matcher(text).replaceAll(" ");
        text = NUMBER.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher word = WORD.matcher(text);
        while (word.find()) {
            String rest = text.substring(word.end()).stripLeading();
            if (!rest.startsWith("(") && !KEYWORDS.contains(word.group().toLowerCase())) {
                names.add(word.group());
            }
        }
        return names;
    }

    /** Every panel query of the dashboard, by {@code panel_<id>_<refId>}. */
    private static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new TreeMap<>();
        for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel_" + panel.path("id").asInt() + "_" + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        assertFalse(queries.isEmpty());
        return queries;
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no dashboard variable " + name);
    }

    private static JsonNode kedaScaledObject() throws IOException {
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(KEDA.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.path("kind").asText().equals("ScaledObject")) {
                    return doc;
                }
            }
        }
        throw new AssertionError("no ScaledObject in " + KEDA);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

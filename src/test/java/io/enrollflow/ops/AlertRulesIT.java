package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/observability's Prometheus files as Prometheus sees them: promtool accepts the rules and the scrape config,
 * the rules' unit tests pass, and every alert carries what the one paged needs and is tested both ways.
 */
class AlertRulesIT {

    static final Path OBSERVABILITY = Path.of("deploy", "observability");
    static final Path ALERTS = OBSERVABILITY.resolve("alerts.yaml");
    private static final Path ALERTS_TEST = OBSERVABILITY.resolve("alerts_test.yaml");
    private static final Path PROMETHEUS = OBSERVABILITY.resolve("prometheus.yml");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void promtoolAcceptsTheRules() {
        Promtool.Result check = Promtool.run("check", "rules", ALERTS.toString());
        assertEquals(0, check.exitCode(), check.toString());
        assertTrue(check.output().contains("SUCCESS"), check.toString());
    }

    @Test
    void theRulesUnitTestsPassInPromtool() {
        Promtool.Result test = Promtool.run("test", "rules", ALERTS_TEST.toString());
        assertEquals(0, test.exitCode(), test.toString());
        assertTrue(test.output().contains("SUCCESS"), test.toString());
    }

    @Test
    void theScrapeConfigIsValidScrapesTheManagementPortAndLoadsTheRules() throws IOException {
        Promtool.Result check = Promtool.run("check", "config", PROMETHEUS.toString());
        assertEquals(0, check.exitCode(), check.toString());
        assertTrue(check.output().contains("1 rule files found"), check.toString());

        JsonNode config = YAML.readTree(PROMETHEUS.toFile());
        assertEquals("alerts.yaml", config.path("rule_files").get(0).asText());
        JsonNode job = config.path("scrape_configs").get(0);
        assertEquals("enrollflow", job.path("job_name").asText(), "the job the rules select");
        assertEquals("/observe/metrics", job.path("metrics_path").asText());
        assertTrue(job.path("static_configs").get(0).path("targets").get(0).asText().endsWith(":8081"),
                "enrollflow.management.port's default");
    }

    @Test
    void everyAlertHasASeverityASummaryADescriptionAndARunbook() throws IOException {
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules()) {
            String name = rule.path("alert").asText();
            names.add(name);
            assertTrue(Set.of("critical", "warning").contains(rule.path("labels").path("severity").asText()),
                    name + " severity");
            for (String annotation : new String[] {"summary", "description", "runbook"}) {
                assertFalse(rule.path("annotations").path(annotation).asText().isBlank(), name + " " + annotation);
            }
        }
        // what the alert rules cover, one alert each
        assertEquals(Set.of("EnrollflowNoLiveInstance", "EnrollflowHeartbeatLate", "EnrollflowQueueLatencyHigh",
                "EnrollflowRetriesOverdue", "EnrollflowDeadLettersRising", "EnrollflowStageP95OverTimeout",
                "EnrollflowDrivePausedLong", "EnrollflowRedisUnreachable", "EnrollflowLimitHoldingTasks",
                "EnrollflowWorkDiskLow", "EnrollflowEnrollmentRefusalsSpiking"), names);
    }

    @Test
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItMustNot() throws IOException {
        Set<String> fires = new LinkedHashSet<>();
        Set<String> quiet = new LinkedHashSet<>();
        for (JsonNode group : YAML.readTree(ALERTS_TEST.toFile()).path("tests")) {
            for (JsonNode test : group.path("alert_rule_test")) {
                (test.path("exp_alerts").isEmpty() ? quiet : fires).add(test.path("alertname").asText());
            }
        }
        Set<String> alerts = new LinkedHashSet<>();
        rules().forEach(rule -> alerts.add(rule.path("alert").asText()));
        assertEquals(alerts, fires, "alerts with a case where they fire");
        assertEquals(alerts, quiet, "alerts with a case where they must not fire");
    }

    /** The alerting rules of alerts.yaml's one group, {@code enrollflow}. */
    static Iterable<JsonNode> rules() throws IOException {
        JsonNode groups = YAML.readTree(ALERTS.toFile()).path("groups");
        assertEquals(1, groups.size());
        assertEquals("enrollflow", groups.get(0).path("name").asText());
        return groups.get(0).path("rules");
    }
}

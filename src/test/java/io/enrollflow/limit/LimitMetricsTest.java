package io.enrollflow.limit;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits' metrics as Prometheus shows them (README "Metrics"). */
class LimitMetricsTest {

    @Test
    void waitsAreCountedByLimitWithTheirSecondsAndTheGaugesReadTheFleet() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LimitMetrics metrics = new LimitMetrics(() -> 2, () -> 1);
        metrics.bindTo(registry);

        metrics.waited(Limit.ENROLL_RATE, Duration.ofMillis(1500));
        metrics.waited(Limit.ENROLL_RATE, Duration.ofMillis(500));

        String scrape = registry.scrape();
        assertTrue(scrape.contains("enrollflow_limit_waits_total{limit=\"enroll_rate\"} 2.0"), scrape);
        assertTrue(scrape.contains("enrollflow_limit_wait_seconds_total{limit=\"enroll_rate\"} 2.0"), scrape);
        assertTrue(scrape.contains("enrollflow_limit_waits_total{limit=\"upload_budget\"} 0.0"), "registered at 0");
        assertTrue(scrape.contains("enrollflow_download_permits_in_use 2.0"), scrape);
        assertTrue(scrape.contains("enrollflow_drive_pause_active 1.0"), scrape);
    }
}

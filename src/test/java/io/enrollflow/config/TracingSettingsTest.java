package io.enrollflow.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When tracing is on (docs/operations.md#tracing): off by default, on with an OTLP endpoint or when asked. */
class TracingSettingsTest {

    private static TracingSettings settings(Map<String, String> values) {
        return TracingSettings.from(Settings.bundled().with(values));
    }

    @Test
    void byDefaultTracingIsOffAndOnOnceAnOtlpEndpointIsSet() {
        TracingSettings defaults = settings(Map.of());
        assertEquals("enrollflow", defaults.serviceName());
        assertFalse(defaults.on(Map.of()));
        assertTrue(defaults.on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
        assertTrue(defaults.on(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")));
        assertTrue(settings(Map.of(TracingSettings.ENDPOINT, "http://collector:4318")).on(Map.of()));
    }

    @Test
    void theSdksOwnOffSwitchesWinOverAnEndpointUnlessTracingIsAskedFor() {
        Map<String, String> endpoint = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        assertFalse(settings(Map.of()).on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true")));
        assertFalse(settings(Map.of()).on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_TRACES_EXPORTER", "none")));
        assertFalse(settings(Map.of(TracingSettings.ENABLED, "false")).on(endpoint));
        assertTrue(settings(Map.of(TracingSettings.ENABLED, "true")).on(Map.of()), "the SDK's default endpoint then");
    }
}

package io.enrollflow.config;

import java.util.Locale;
import java.util.Map;

/**
 * Traces (docs/contract.md §8): the {@code enrollflow.tracing.*} settings. The standard {@code OTEL_*} variables (and
 * {@code otel.*} system properties) are read by the OpenTelemetry SDK itself and win over these, which only give it
 * defaults.
 *
 * @param enabled     {@code enrollflow.tracing.enabled}: {@code auto} (on when an OTLP endpoint is set), {@code true}
 *                    or {@code false}
 * @param endpoint    {@code enrollflow.tracing.endpoint}: the OTLP/HTTP endpoint; empty leaves it to
 *                    {@code OTEL_EXPORTER_OTLP_ENDPOINT} (else the SDK's {@code http://localhost:4318})
 * @param serviceName {@code enrollflow.tracing.service-name}: {@code service.name} unless {@code OTEL_SERVICE_NAME} is set
 */
public record TracingSettings(String enabled, String endpoint, String serviceName) {

    public static final String ENABLED = "enrollflow.tracing.enabled";
    public static final String ENDPOINT = "enrollflow.tracing.endpoint";
    public static final String SERVICE_NAME = "enrollflow.tracing.service-name";

    /** The variables that name an OTLP endpoint, in the SDK's own spelling and as system properties. */
    private static final String[] OTEL_ENDPOINTS = {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"};

    public static TracingSettings from(Settings settings) {
        String endpoint = settings.text(ENDPOINT);
        if (!endpoint.isEmpty()) {
            Settings.httpUrl(ENDPOINT, endpoint);
        }
        return new TracingSettings(settings.choice(ENABLED, "auto", "true", "false"), endpoint,
                settings.required(SERVICE_NAME));
    }

    /**
     * Whether traces are made and exported: {@code true} and {@code false} say so; {@code auto} is on when an OTLP
     * endpoint is set (this record's, an {@code OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT} variable or its system
     * property), unless {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none} says otherwise.
     *
     * @param env the environment (System.getenv() in production; tests pass their own)
     */
    public boolean on(Map<String, String> env) {
        if (!"auto".equals(enabled)) {
            return "true".equals(enabled);
        }
        if ("true".equalsIgnoreCase(otel(env, "OTEL_SDK_DISABLED")) || "none".equalsIgnoreCase(otel(env, "OTEL_TRACES_EXPORTER"))) {
            return false;
        }
        if (!endpoint.isEmpty()) {
            return true;
        }
        for (String name : OTEL_ENDPOINTS) {
            if (!otel(env, name).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** A standard variable, or its system property ({@code OTEL_SDK_DISABLED} → {@code otel.sdk.disabled}). */
    private static String otel(Map<String, String> env, String name) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        String value = property != null ? property : env.get(name);
        return value == null ? "" : value.trim();
    }
}

package io.enrollflow.tracing;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Redact;
import io.enrollflow.config.TracingSettings;
import io.enrollflow.logging.Event;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Switches tracing on in a runtime when its settings say so ({@link TracingSettings#on}): the OpenTelemetry SDK built
 * by its autoconfigure from the {@code OTEL_*} variables, with enrollflow's defaults beneath them (the service name,
 * OTLP over HTTP/protobuf, no metrics or logs exported: {@code /observe/metrics} and the log lines are those), then
 * camel-opentelemetry2's tracer ({@link CamelTracer}) on the context, its thread pools carrying the trace context
 * ({@link ContextThreadPools}), and enrollflow's own spans ({@link Tracing}).
 * The timer routes (the retry mover, every second) make no traces. When the context stops, after its routes, the
 * spans still buffered are sent and the SDK is closed.
 * <p>
 * Off, nothing of this is loaded: no tracer, no route policy, no SDK thread.
 */
public final class TracingSetup implements Service {

    private static final Logger LOG = LogManager.getLogger(TracingSetup.class);
    private static final String PROTOCOL = "http/protobuf";
    /** How long the stop waits for the last spans to reach the collector. */
    private static final long FLUSH_SECONDS = 5;

    private final OpenTelemetrySdk sdk;

    private TracingSetup(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /**
     * Sets tracing up on the context being configured, before its routes are made; does nothing when it is off.
     *
     * @param env the environment (System.getenv() in production)
     * @throws ConfigException an {@code OTEL_*} value the SDK refuses, or an OTLP protocol other than HTTP/protobuf
     */
    public static void install(CamelContext camel, TracingSettings settings, String instanceId, Map<String, String> env) {
        if (!settings.on(env)) {
            return;
        }
        // the SDK reports (a collector that cannot be reached, a span queue that overflowed) through java.util.logging:
        // those lines go where enrollflow's own go, in its format
        java.util.logging.Logger sdkLog = java.util.logging.Logger.getLogger("io.opentelemetry");
        if (Arrays.stream(sdkLog.getHandlers()).noneMatch(SLF4JBridgeHandler.class::isInstance)) {
            sdkLog.setUseParentHandlers(false);
            sdkLog.addHandler(new SLF4JBridgeHandler());
        }
        OpenTelemetrySdk sdk = sdk(settings, instanceId);
        Tracing.install(sdk);
        var registry = camel.getRegistry();
        // camel-opentelemetry2 takes its tracer and propagators from the registry, so no global SDK is set
        registry.bind("openTelemetryTracer", sdk.getTracer("org.apache.camel"));
        registry.bind("openTelemetryPropagators", sdk.getPropagators());
        camel.getExecutorServiceManager().setThreadPoolFactory(new ContextThreadPools());
        CamelTracer tracer = new CamelTracer();
        tracer.setExcludePatterns("timer:*");
        tracer.init(camel);
        try {
            camel.addService(new TracingSetup(sdk), true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the tracing SDK's shutdown", e);
        }
        String service = System.getProperty("otel.service.name", env.getOrDefault("OTEL_SERVICE_NAME", settings.serviceName()));
        Event.info(LOG).stage("tracing").outcome("on").kv("service", service).kv("endpoint",
                settings.endpoint().isEmpty() ? "from OTEL_EXPORTER_OTLP_*" : Redact.url(settings.endpoint())).log();
    }

    private static OpenTelemetrySdk sdk(TracingSettings settings, String instanceId) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", settings.serviceName());
        defaults.put("otel.exporter.otlp.protocol", PROTOCOL);
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        if (!settings.endpoint().isEmpty()) {
            defaults.put("otel.exporter.otlp.endpoint", settings.endpoint());
        }
        try {
            return AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .addPropertiesCustomizer(TracingSetup::httpProtobufOnly)
                    // each instance's spans say which instance made them, unless the operator's resource names one
                    .addResourceCustomizer((resource, config) -> Resource.create(Attributes.of(
                            AttributeKey.stringKey("service.instance.id"), instanceId)).merge(resource))
                    .disableShutdownHook()
                    .build().getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw new ConfigException("OTEL_* (tracing)", e.getMessage());
        }
    }

    /** gRPC and OkHttp are not in the jar: OTLP goes over HTTP with the JDK's client. */
    private static Map<String, String> httpProtobufOnly(ConfigProperties config) {
        for (String key : new String[] {"otel.exporter.otlp.traces.protocol", "otel.exporter.otlp.protocol"}) {
            String protocol = config.getString(key);
            if (protocol != null && !PROTOCOL.equals(protocol)) {
                throw new ConfigException(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'),
                        "\"" + protocol + "\" is not supported: enrollflow exports OTLP over HTTP (" + PROTOCOL + ")");
            }
        }
        return Map.of();
    }

    @Override
    public void start() {
        // built and installed already
    }

    /** Sends what is still buffered (the last callbacks' spans), then closes the exporter. */
    @Override
    public void stop() {
        Tracing.uninstall();
        sdk.getSdkTracerProvider().forceFlush().join(FLUSH_SECONDS, TimeUnit.SECONDS);
        sdk.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
    }
}

package io.enrollflow.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.net.URI;
import java.util.function.BiConsumer;

/**
 * The spans enrollflow makes itself, beside camel-opentelemetry2's route and endpoint spans: the claim, the enrollment
 * call, the download command, each Drive HTTP request; and the W3C {@code traceparent} on the calls that leave.
 * <p>
 * Off (the default), {@link #install} was never called: every method returns at once on one volatile read, hands out
 * the shared {@link Traced#NONE} and allocates nothing. On, a span is only made under a current one: the task's, which
 * camel-opentelemetry2 makes current on the thread while a route or an endpoint call runs; so nothing here starts a
 * trace of its own.
 */
public final class Tracing {

    private static volatile Tracer tracer;
    private static volatile TextMapPropagator propagator;

    private Tracing() {
    }

    /** Switches tracing on for this JVM with that SDK (done once by the runtime when tracing is on). */
    static void install(OpenTelemetry openTelemetry) {
        propagator = openTelemetry.getPropagators().getTextMapPropagator();
        tracer = openTelemetry.getTracer("io.enrollflow");
    }

    /** Switches it off again (the runtime stopped). */
    static void uninstall() {
        tracer = null;
        propagator = null;
    }

    /** True while tracing is on. */
    public static boolean on() {
        return tracer != null;
    }

    /**
     * An internal span under the current one, ended by {@link Traced#close()}; {@link Traced#NONE} when there is none.
     * It is not made current: nothing nests under enrollflow's own spans, and a span that a failure path never closes
     * cannot then leave the thread's context pointing at it.
     */
    public static Traced start(String name) {
        return start(name, SpanKind.INTERNAL);
    }

    /**
     * A client span for one HTTP request, with the semantic conventions' attributes: {@code http.request.method},
     * {@code url.full} (without user info, query or fragment), {@code server.address} and {@code server.port}.
     */
    public static Traced httpClient(String method, URI url) {
        Traced span = start(method, SpanKind.CLIENT);
        if (span != Traced.NONE) {
            int port = url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
            span.attribute("http.request.method", method).attribute("url.full", Scrub.url(url.toString()))
                    .attribute("server.address", url.getHost()).attribute("server.port", port);
        }
        return span;
    }

    private static Traced start(String name, SpanKind kind) {
        Tracer current = tracer;
        if (current == null) {
            return Traced.NONE;
        }
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return Traced.NONE;
        }
        return new Traced(current.spanBuilder(name).setSpanKind(kind).setParent(context).startSpan(), propagator);
    }

    /** Sets an attribute on the current span (the task's, at intake); nothing when tracing is off. */
    public static void annotate(String key, String value) {
        if (tracer != null && value != null) {
            Span.current().setAttribute(key, Scrub.value(key, value));
        }
    }

    /**
     * Writes the current trace context ({@code traceparent}, and {@code tracestate} when there is one) with the setter:
     * how a status callback handed to another thread stays in its task's trace. Nothing when tracing is off.
     */
    public static void inject(BiConsumer<String, String> header) {
        TextMapPropagator current = propagator;
        if (current != null) {
            current.inject(Context.current(), header, BiConsumer::accept);
        }
    }
}

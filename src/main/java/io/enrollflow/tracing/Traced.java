package io.enrollflow.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.function.BiConsumer;

/**
 * One span enrollflow made ({@link Tracing}), used on the thread that made it. {@link #NONE}, when tracing is off or
 * no trace is current, does nothing.
 */
public final class Traced implements AutoCloseable {

    /** The span that is not there. */
    public static final Traced NONE = new Traced(null, null);

    private final Span span;
    private final TextMapPropagator propagator;
    private boolean closed;

    Traced(Span span, TextMapPropagator propagator) {
        this.span = span;
        this.propagator = propagator;
    }

    /** A text attribute; the value is scrubbed (no email, no URL query), and a null value is left out. */
    public Traced attribute(String key, String value) {
        if (span != null && value != null) {
            span.setAttribute(key, Scrub.value(key, value));
        }
        return this;
    }

    public Traced attribute(String key, long value) {
        if (span != null) {
            span.setAttribute(key, value);
        }
        return this;
    }

    /**
     * The answer's status ({@code http.response.status_code}); 4xx and 5xx mark a client span failed, with the code as
     * its {@code error.type}, as the HTTP conventions say.
     */
    public void httpStatus(int code) {
        if (span != null) {
            span.setAttribute("http.response.status_code", code);
            if (code >= 400) {
                span.setAttribute("error.type", Integer.toString(code));
                span.setStatus(StatusCode.ERROR);
            }
        }
    }

    /** It ended in this failure: status ERROR, {@code error.type} the exception's class, the message scrubbed. */
    public void failed(Throwable failure) {
        if (span != null) {
            span.setAttribute("error.type", failure.getClass().getName());
            span.setStatus(StatusCode.ERROR, Scrub.text(String.valueOf(failure.getMessage())));
        }
    }

    /** This span's {@code traceparent} (the request it stands for carries it to the server). */
    public void inject(BiConsumer<String, String> header) {
        if (span != null) {
            propagator.inject(Context.current().with(span), header, BiConsumer::accept);
        }
    }

    /** Ends the span; a second call does nothing. */
    @Override
    public void close() {
        if (span != null && !closed) {
            closed = true;
            span.end();
        }
    }
}

package io.enrollflow.tracing;

import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.SpanLifecycleManager;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * camel-opentelemetry2's spans, with what they may hold filtered (docs/contract.md §8). Its decorators tag a span with
 * the endpoint's whole URI ({@code camel.uri}) and its options as {@code url.query}, a service's user name, the
 * request's URL as sent, and an exception's message as an event: here those tags are dropped or {@link Scrub}bed
 * before the span sees them, whichever endpoint (a status callback's URL may carry a token in its query).
 */
final class SafeSpans implements SpanLifecycleManager {

    /** Tags never kept: the endpoint URI with its options, its query, and who a service's client signs in as. */
    private static final Set<String> DROPPED = Set.of("camel.uri", "url.query", "user.name", "user.id");

    private final SpanLifecycleManager spans;

    SafeSpans(SpanLifecycleManager spans) {
        this.spans = spans;
    }

    @Override
    public Span create(String spanName, Span parent, SpanContextPropagationExtractor extractor) {
        return new Filtered(spans.create(spanName, unwrap(parent), extractor));
    }

    @Override
    public void activate(Span span) {
        spans.activate(unwrap(span));
    }

    @Override
    public void deactivate(Span span) {
        spans.deactivate(unwrap(span));
    }

    @Override
    public void close(Span span) {
        spans.close(unwrap(span));
    }

    @Override
    public void inject(Span span, SpanContextPropagationInjector injector, boolean includeTracing) {
        spans.inject(unwrap(span), injector, includeTracing);
    }

    private static Span unwrap(Span span) {
        return span instanceof Filtered filtered ? filtered.span : span;
    }

    /** A span whose tags and events pass the filter on their way in. */
    private record Filtered(Span span) implements Span {

        @Override
        public void setTag(String key, String value) {
            if (!DROPPED.contains(key)) {
                span.setTag(key, Scrub.value(key, value));
            }
        }

        @Override
        public void log(Map<String, String> fields) {
            Map<String, String> safe = new HashMap<>(fields.size());
            fields.forEach((key, value) -> safe.put(key, Scrub.value(key, value)));
            span.log(safe);
        }

        @Override
        public void setComponent(String component) {
            span.setComponent(component);
        }

        @Override
        public void setError(boolean isError) {
            span.setError(isError);
        }
    }
}

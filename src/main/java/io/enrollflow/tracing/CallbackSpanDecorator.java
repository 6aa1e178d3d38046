package io.enrollflow.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.decorators.HttpSpanDecorator;

import java.net.URI;

/**
 * camel-http's span (the status callbacks' POST) with the HTTP conventions' current attribute names beside the older
 * ones camel-opentelemetry2 writes: {@code http.request.method}, {@code url.full} (no query: {@link SafeSpans}),
 * {@code server.address}, {@code server.port} and {@code http.response.status_code}. Found by camel-opentelemetry2
 * through {@code META-INF/services}, in place of its own.
 */
public class CallbackSpanDecorator extends HttpSpanDecorator {

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        span.setTag("http.request.method", getHttpMethod(exchange, endpoint));
        String url = getHttpURL(exchange, endpoint);
        if (url != null) {
            span.setTag("url.full", url);
            try {
                URI uri = URI.create(url);
                if (uri.getHost() != null) {
                    span.setTag("server.address", uri.getHost());
                    int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                    span.setTag("server.port", Integer.toString(port));
                }
            } catch (IllegalArgumentException notAUri) {
                // url.full alone says where it went
            }
        }
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        super.afterTracingEvent(span, exchange);
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (code != null) {
            span.setTag("http.response.status_code", code.toString());
        }
    }
}

package io.enrollflow.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.decorators.AbstractMessagingSpanDecorator;

/**
 * The span of one task run, the root of its trace: the queue's route taking a task, named as the messaging conventions
 * name a consumer's processing ({@code process <queue>}), with {@code messaging.system}, the operation and the queue.
 * Found by camel-opentelemetry2 through {@code META-INF/services}.
 */
public class QueueSpanDecorator extends AbstractMessagingSpanDecorator {

    /** The queue component's scheme (io.enrollflow.queue.RedisQueueComponent). */
    static final String SCHEME = "redis-queue";

    @Override
    public String getComponent() {
        return SCHEME;
    }

    @Override
    public String getComponentClassName() {
        return "io.enrollflow.queue.RedisQueueComponent";
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return "process " + getDestination(exchange, endpoint);
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        span.setTag("messaging.system", "redis");
        span.setTag("messaging.operation.type", "process");
    }
}

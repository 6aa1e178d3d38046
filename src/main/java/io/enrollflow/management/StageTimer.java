package io.enrollflow.management;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.util.Map;

/**
 * Measures the stages where the pipeline hands over to them: Camel reports every {@code to: direct:enroll|download|
 * deliver} of the routes as an {@link ExchangeSentEvent} with its time taken, failed or not. Measuring here keeps the
 * step classes free of timing code; the cost on the hot path is one map lookup per send.
 */
public class StageTimer extends EventNotifierSupport {

    /** The stage routes' endpoints, as Camel normalises their URIs, and the stage each one is. */
    private static final Map<String, String> STAGES = Map.of(
            "direct://enroll", "enroll", "direct://download", "download", "direct://deliver", "deliver");

    private final Metrics metrics;

    public StageTimer(Metrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /**
     * Camel starts the stopwatch behind a sent event's time only when a notifier accepted the sending event, so both
     * are accepted for the stage endpoints, and neither for any other (no stopwatch, no event there).
     */
    @Override
    public boolean isEnabled(CamelEvent event) {
        if (event instanceof ExchangeSendingEvent sending) {
            return STAGES.containsKey(sending.getEndpoint().getEndpointBaseUri());
        }
        return event instanceof ExchangeSentEvent sent && STAGES.containsKey(sent.getEndpoint().getEndpointBaseUri());
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeSentEvent sent) {
            metrics.stage(STAGES.get(sent.getEndpoint().getEndpointBaseUri()), sent.getTimeTaken() * 1_000_000L,
                    sent.getExchange().getException() != null);
        }
    }
}

package io.enrollflow.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.telemetry.Op;

/**
 * camel-opentelemetry2's tracer as enrollflow runs it: its span tags pass {@link SafeSpans}, and a task taken from
 * the queue continues the trace its {@code traceparent} field names (docs/contract.md §2), so the run is the child of
 * the backend's span that pushed it.
 * <p>
 * The field is read here, as the queue's route takes the exchange and before its span is made, because that span's
 * parent comes from the exchange's headers; intake reads the payload only later. Only payloads that mention
 * {@code traceparent} are parsed for it, and only while tracing is on.
 */
final class CamelTracer extends OpenTelemetryTracer {

    /** The W3C Trace Context fields a task may carry, read as the headers of the same names. */
    private static final String[] FIELDS = {"traceparent", "tracestate"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void initTracer() {
        super.initTracer();
        setSpanLifecycleManager(new SafeSpans(getSpanLifecycleManager()));
    }

    @Override
    protected void beginEventSpan(Exchange exchange, Endpoint endpoint, Op op) throws Exception {
        if (op == Op.EVENT_RECEIVED && endpoint.getEndpointUri().startsWith(QueueSpanDecorator.SCHEME + ":")) {
            continueTasksTrace(exchange);
        }
        super.beginEventSpan(exchange, endpoint, op);
    }

    private static void continueTasksTrace(Exchange exchange) {
        if (!(exchange.getIn().getBody() instanceof String raw) || !raw.contains("\"traceparent\"")) {
            return;
        }
        try {
            JsonNode task = JSON.readTree(raw);
            for (String field : FIELDS) {
                JsonNode value = task.get(field);
                if (value != null && value.isTextual()) {
                    // the propagator checks the format; a malformed one is ignored and the run starts its own trace
                    exchange.getIn().setHeader(field, value.asText());
                }
            }
        } catch (Exception notJson) {
            // intake dead-letters a payload that is not JSON; its run has a trace of its own
        }
    }
}

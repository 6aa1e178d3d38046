package io.enrollflow.testing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenTelemetry collector as far as traces go: a real HTTP server (the JDK's) on 127.0.0.1 that takes OTLP/HTTP
 * exports ({@code POST /v1/traces}, an {@code ExportTraceServiceRequest} in protobuf) and keeps every span, decoded with
 * the OTLP messages of {@code opentelemetry-proto}. Point {@code OTEL_EXPORTER_OTLP_ENDPOINT} at {@link #endpoint()}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One span as exported: ids in hex ({@code parentSpanId} empty for a root), kind as CLIENT, INTERNAL..., values as text. */
    public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                               boolean error, Map<String, String> attributes, List<Map<String, String>> events,
                               Map<String, String> resource) {

        public String attribute(String key) {
            return attributes.get(key);
        }

        /** Every text this span carries: attribute and event values, its name, its status message, its resource. */
        public List<String> texts() {
            List<String> all = new ArrayList<>(attributes.values());
            events.forEach(event -> all.addAll(event.values()));
            all.addAll(resource.values());
            all.add(name);
            return all;
        }
    }

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> statusMessages = new CopyOnWriteArrayList<>();

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
                keep(request);
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
    }

    /** The base endpoint ({@code OTEL_EXPORTER_OTLP_ENDPOINT}); the exporter adds {@code /v1/traces}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace. */
    public List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    /** The status messages of the spans that failed. */
    public List<String> statusMessages() {
        return List.copyOf(statusMessages);
    }

    private void keep(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            Map<String, String> resource = values(resourceSpans.getResource().getAttributesList());
            for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    List<Map<String, String>> events = new ArrayList<>();
                    span.getEventsList().forEach(event -> events.add(values(event.getAttributesList())));
                    boolean error = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
                    if (!span.getStatus().getMessage().isEmpty()) {
                        statusMessages.add(span.getStatus().getMessage());
                    }
                    spans.add(new ReceivedSpan(hex(hex, span.getTraceId()), hex(hex, span.getSpanId()),
                            hex(hex, span.getParentSpanId()), span.getName(), span.getKind().name().replace("SPAN_KIND_", ""), error,
                            values(span.getAttributesList()), events, resource));
                }
            }
        }
    }

    private static String hex(HexFormat hex, ByteString bytes) {
        return hex.formatHex(bytes.toByteArray());
    }

    private static Map<String, String> values(List<KeyValue> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyValue pair : pairs) {
            out.put(pair.getKey(), text(pair.getValue()));
        }
        return out;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

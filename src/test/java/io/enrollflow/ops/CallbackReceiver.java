package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend's status-callback endpoint, played by a real HTTP server (the JDK's) on 127.0.0.1: records every POST
 * (path and JSON body) and answers with the status set by {@link #answer(int)} (200 by default).
 */
public final class CallbackReceiver implements AutoCloseable {

    /** One callback as received. */
    public record Call(String path, JsonNode json) {

        public String status() {
            return json.path("status").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);

    public CallbackReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                calls.add(new Call(exchange.getRequestURI().getPath(), JSON.readTree(body)));
                exchange.sendResponseHeaders(answer.get(), -1);
            }
        });
        server.start();
    }

    /** The URL template for {@code enrollflow.status.callback-url}: {@code http://127.0.0.1:<port>/hooks/${taskId}}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/${taskId}";
    }

    /** Answers every further callback with this HTTP status. */
    public void answer(int status) {
        answer.set(status);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls about one task, in the order received. */
    public List<Call> callsFor(String taskId) {
        return calls.stream().filter(c -> c.json().path("taskId").asText().equals(taskId)).toList();
    }

    /** The statuses reported for one task, in the order received. */
    public List<String> statusesOf(String taskId) {
        return callsFor(taskId).stream().map(Call::status).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

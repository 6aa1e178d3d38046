package io.enrollflow.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's enrollment API: answers at once, refuses every 10th request (success=false) unless told to accept
 * all, and notes when each request arrived (for the pickup measurement).
 */
final class BenchEnrollmentStub implements AutoCloseable {

    private static final byte[] OK = "{\"results\":[{\"success\":true,\"message\":\"enrolled\"}]}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REFUSED = "{\"results\":[{\"success\":false,\"message\":\"course not found\"}]}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();

    BenchEnrollmentStub() throws IOException {
        this(10);
    }

    /** @param refuseEvery every this many requests one is refused; 0: none is */
    BenchEnrollmentStub(int refuseEvery) throws IOException {
        // The JDK server writes the headers and the body of an answer separately; with Nagle's algorithm on, the body
        // waits for the client's delayed ACK (~40 ms) and every call would measure that instead of the pipeline.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/api/v1/enroll", exchange -> {
            arrivals.offer(System.nanoTime());
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] body = refuseEvery > 0 && requests.incrementAndGet() % refuseEvery == 0 ? REFUSED : OK;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/enroll";
    }

    /** Forgets earlier arrivals. */
    void clearArrivals() {
        arrivals.clear();
    }

    /** The nanoTime of the next request's arrival, or -1 after the timeout. */
    long nextArrival(long timeoutMillis) throws InterruptedException {
        Long at = arrivals.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        return at == null ? -1 : at;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

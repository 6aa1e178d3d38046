package io.enrollflow.management;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probes outlive a flood (docs/contract.md §8), on the built jar: 160 connections from 127.0.0.1, each sending a
 * request line and a header and then one byte a second, and coming back when the server closes it, as a slow-loris
 * client does. Meanwhile liveness and readiness are probed every 200 ms from the same address, each with the 1 s
 * timeout of the shipped manifest's probes, 50 times: every probe answers 200.
 */
class ProbeFloodIT {

    private static final int TRICKLERS = 160;
    private static final int PROBES = 50;
    private static final byte[] HALF_REQUEST = ("GET /observe/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @TempDir
    Path dir;

    @Test
    void livenessAndReadinessAnswerWithinOneSecondWhile160ConnectionsTrickleTheirRequests() throws Exception {
        int port = BundledRedis.freePort();
        Path log = dir.resolve("enrollflow.log");
        try (EnrollflowJar.Running running = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "true")
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(port))
                .logTo(log)
                .start("run")) {
            Http http = new Http(port);
            Pipeline.await(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> http.get("/observe/health/ready").status() == 200);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            // the client's own start (its threads, its classes) before the flood, so that it is not timed
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/live")).build(),
                    HttpResponse.BodyHandlers.discarding());
            Trickler trickler = new Trickler(port);
            Thread flood = new Thread(trickler, "trickler");
            flood.start();
            List<String> failures = new ArrayList<>();
            int probes = 0;
            long slowest = 0;
            List<String> latencies = new ArrayList<>();
            try {
                // every trickling connection open before the first probe
                Pipeline.await(Duration.ofSeconds(30)).until(() -> trickler.opened.get() >= TRICKLERS);
                // 50 probes, one every 200 ms or so: 10 s when every one answers at once
                while (probes < PROBES) {
                    String path = probes % 2 == 0 ? "/observe/health/live" : "/observe/health/ready";
                    probes++;
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(1)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - sent;
                        latencies.add(path.substring(path.lastIndexOf('/') + 1) + "=" + took / 1_000_000);
                        slowest = Math.max(slowest, took);
                        if (answer.statusCode() != 200) {
                            failures.add(path + " answered " + answer.statusCode() + " " + answer.body());
                        }
                    } catch (IOException e) {
                        failures.add(path + ": " + e);
                    }
                    Thread.sleep(200);
                }
            } finally {
                trickler.stop.set(true);
                flood.join(10_000);
            }

            System.out.printf("ProbeFloodIT: %d probes, slowest %d ms, %d trickling connections opened; ms: %s%n", probes,
                    slowest / 1_000_000, trickler.opened.get(), latencies);
            assertEquals(List.of(), failures, "of " + probes + " probes while " + trickler.opened.get()
                    + " trickling connections were opened");
            assertTrue(trickler.opened.get() > TRICKLERS, "the server cut trickling connections, which came back: "
                    + trickler.opened.get());
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("outcome=connections-capped"), "the cap is logged");
            assertTrue(output.lines().filter(l -> l.contains("outcome=connections-capped")).count() <= 3,
                    "at most one line per 10 s");
        }
    }

    /**
     * Holds {@link #TRICKLERS} connections that each send half a request, then a byte a second; one the server closed
     * is opened again at the next round.
     */
    private static final class Trickler implements Runnable {

        final AtomicInteger opened = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        private final int port;
        private final Socket[] sockets = new Socket[TRICKLERS];

        Trickler(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    for (int i = 0; i < TRICKLERS && !stop.get(); i++) {
                        try {
                            if (sockets[i] == null) {
                                sockets[i] = open();
                            } else {
                                sockets[i].getOutputStream().write('a');
                            }
                        } catch (IOException closedByTheServer) {
                            close(i);
                        }
                    }
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                for (int i = 0; i < TRICKLERS; i++) {
                    close(i);
                }
            }
        }

        private Socket open() throws IOException {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                OutputStream out = socket.getOutputStream();
                out.write(HALF_REQUEST);
                out.flush();
                opened.incrementAndGet();
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        private void close(int i) {
            if (sockets[i] != null) {
                try {
                    sockets[i].close();
                } catch (IOException ignored) {
                    // already closed by the server
                }
                sockets[i] = null;
            }
        }
    }
}

package io.enrollflow.callback;

import io.enrollflow.config.CallbackSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.runtime.CallbackContext;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.testing.Pipeline;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §10 on status callbacks: the whole answer must come within {@code enrollflow.status.callback-timeout}, so a
 * receiver that trickles its answer (a byte every 0.4 s) cannot hold the route's one consumer (and every later callback).
 */
class StatusCallbackTimeoutIT {

    @Test
    void aReceiverThatTricklesItsAnswerIsGivenUpAtTheTimeoutAndTheNextCallbackGoesOut() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread receiver = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        int n = connections.incrementAndGet();
                        Thread answer = new Thread(() -> answer(client, n == 1, requests), "answer-" + n);
                        answer.setDaemon(true);
                        answer.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "receiver");
            receiver.setDaemon(true);
            receiver.start();
            Settings settings = Settings.load(null, Map.of()).with(Map.of(
                    "enrollflow.status.callback-url", "http://127.0.0.1:" + server.getLocalPort() + "/hooks/${taskId}",
                    "enrollflow.status.callback-attempts", "1", "enrollflow.status.callback-timeout", "1s"));
            StatusCallbacks callbacks = StatusCallbacks.from(CallbackSettings.from(settings), failures::add);
            try (CallbackContext route = CallbackContext.start(settings, callbacks)) {
                callbacks.changed(new StatusChange("slow-1", TaskStatus.PROCESSING, null, "", null, "2026-12-01T00:00:00Z"));
                callbacks.changed(new StatusChange("next-2", TaskStatus.PROCESSING, null, "", null, "2026-12-01T00:00:01Z"));

                Pipeline.await(Duration.ofSeconds(30)).until(() -> requests.stream().anyMatch(r -> r.contains("/hooks/next-2")));
                Pipeline.await(Duration.ofSeconds(30)).until(() -> !failures.isEmpty());
                assertEquals(List.of("gave_up"), failures, "the trickled answer was given up, the next one succeeded");
                assertTrue(requests.get(0).contains("/hooks/slow-1"), requests.toString());
            }
        }
    }

    /** Reads the request; the first connection trickles its whole answer, the others answer at once. */
    private static void answer(Socket client, boolean trickle, List<String> requests) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            int n = in.read(buffer);
            requests.add(new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
            OutputStream out = client.getOutputStream();
            if (!trickle) {
                out.write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            // the status line and headers too: the answer's body is never read, so trickling it would hold nothing
            byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100_000))
                    .getBytes(StandardCharsets.US_ASCII);
            for (byte b : answer) {
                out.write(b);
                out.flush();
                // under the 1 s between two reads that camel-http's own timeouts allow: only the whole-answer bound ends it
                Thread.sleep(400);
            }
        } catch (IOException | InterruptedException gone) {
            // enrollflow hung up on the trickle: as it should
        }
    }
}

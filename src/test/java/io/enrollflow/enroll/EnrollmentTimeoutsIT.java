package io.enrollflow.enroll;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §4 and §7, the cases that need settings of their own: no token, timeouts, refused connections, backoff. */
class EnrollmentTimeoutsIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    @Test
    void requestCarriesNoAuthorizationWithoutAToken() throws Exception {
        pipeline.start();
        Tasks task = aTask();
        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        assertNull(api.requests().get(0).header("Authorization"));
    }

    @Test
    void timeoutIsRetriedThenFailsAsUnavailable() throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.success().after(Duration.ofSeconds(3)));
        pipeline.set("enrollflow.enroll.timeout", "1s").set("enrollflow.retry.max-attempts", "2").start();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("enrollment_unavailable", status.get("reason"));
        assertEquals("2", status.get("attempts"));
        assertEquals(2, api.calls(task.courseUrl()));
    }

    @ParameterizedTest(name = "trickling from byte {0}")
    @ValueSource(ints = {0, 60})
    void anAnswerThatTricklesAByteASecondFailsTransientlyAtTheTimeout(int fastBytes) throws Exception {
        // byte 0: even the status line trickles; byte 60: the headers arrive, the body trickles
        byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                + "{\"results\":[{\"success\":true,\"message\":\"" + "x".repeat(99_000)).getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> {
                try (Socket client = server.accept()) {
                    client.getInputStream().read(new byte[65536]);
                    OutputStream out = client.getOutputStream();
                    out.write(answer, 0, fastBytes);
                    for (int i = fastBytes; i < answer.length; i++) {
                        out.write(answer[i]);
                        out.flush();
                        Thread.sleep(1_000);
                    }
                } catch (IOException | InterruptedException gone) {
                    // enrollflow hung up (as it should) or the test ended
                }
            }, "trickler");
            trickler.setDaemon(true);
            trickler.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/api/v1/enroll";
            try (Pipeline slow = new Pipeline(redis, url)) {
                slow.set("enrollflow.enroll.timeout", "2s").set("enrollflow.retry.max-attempts", "1").start();
                Tasks task = aTask();
                slow.push(task);

                Map<String, String> status = slow.awaitFailed(task.taskId());

                assertEquals("enrollment_unavailable", status.get("reason"));
                assertTrue(status.get("message").contains("no whole answer"), status.get("message"));
            }
        }
    }

    @Test
    void refusedConnectionIsRetriedThenFailsAsUnavailable() throws Exception {
        String nothingListens = "http://127.0.0.1:" + BundledRedis.freePort() + "/api/v1/enroll";
        try (Pipeline refused = new Pipeline(redis, nothingListens)) {
            refused.start();
            Tasks task = aTask();
            refused.push(task);

            Map<String, String> status = refused.awaitFailed(task.taskId());

            assertEquals("enrollment_unavailable", status.get("reason"));
            assertEquals("3", status.get("attempts"));
        }
    }

    @Test
    void waitingForTheNextAttemptShowsAsRetryingWithItsDueTime() throws Exception {
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.status(503, "maintenance"), Answer.success());
        pipeline.set("enrollflow.retry.initial-delay", "2s").set("enrollflow.retry.max-delay", "2s").start();
        pipeline.push(task);

        Map<String, String> waiting = pipeline.awaitStatus(task.taskId(), "retrying");

        assertEquals("enrollment_unavailable", waiting.get("reason"));
        assertNotNull(waiting.get("nextAttemptAt"));
        assertEquals(1, api.calls(task.courseUrl()), "no second call before the delay");
        pipeline.awaitCompleted(task.taskId());
        assertEquals(2, api.calls(task.courseUrl()));
    }
}

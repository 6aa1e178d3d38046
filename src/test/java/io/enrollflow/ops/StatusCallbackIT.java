package io.enrollflow.ops;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.management.Metrics;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.LogCapture;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §3 status callbacks, received by a real HTTP server: every transition of a task, in order, with the
 * contract's fields; a failing receiver (500, or nobody listening) never fails the task and is counted and logged.
 */
class StatusCallbackIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api).set("enrollflow.management.port", "0");
    @RegisterExtension
    final LogCapture log = new LogCapture();
    @TempDir
    Path dir;

    private final CallbackReceiver receiver = new CallbackReceiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private void awaitStatuses(String taskId, List<String> expected) {
        Pipeline.await(Duration.ofSeconds(10)).until(() -> receiver.statusesOf(taskId).size() >= expected.size());
        assertEquals(expected, receiver.statusesOf(taskId));
    }

    private double callbackFailures(String outcome) {
        Metrics metrics = pipeline.runtime().camelContext().getRegistry().lookupByNameAndType("metrics", Metrics.class);
        return metrics.registry().get("enrollflow.callback.failures").tag("outcome", outcome).counter().count();
    }

    @Test
    void everyTransitionOfACompletedTaskIsPostedInOrder() throws Exception {
        pipeline.set("enrollflow.status.callback-url", receiver.url()).start();
        Tasks task = aTask();
        pipeline.push(task);
        Map<String, String> status = pipeline.awaitCompleted(task.taskId());

        awaitStatuses(task.taskId(), List.of("processing", "enrolled", "downloading", "uploading", "completed"));
        List<CallbackReceiver.Call> calls = receiver.callsFor(task.taskId());
        for (CallbackReceiver.Call call : calls) {
            assertEquals("/hooks/" + task.taskId(), call.path());
            assertEquals(List.of("taskId", "status", "reason", "message", "deliveryUrl", "at"),
                    List.copyOf((java.util.Collection<String>) iterable(call.json().fieldNames())));
            assertFalse(call.json().path("at").asText().isEmpty());
        }
        CallbackReceiver.Call completed = calls.get(calls.size() - 1);
        assertEquals(status.get("deliveryUrl"), completed.json().path("deliveryUrl").asText());
        assertEquals(status.get("updatedAt"), completed.json().path("at").asText());
        assertTrue(completed.json().path("reason").isNull());
    }

    @Test
    void retriesFailuresAndReplaysArePostedToo() throws Exception {
        pipeline.set("enrollflow.status.callback-url", receiver.url()).start();
        Tasks flaky = aTask().courseUrl("https://courses.example.com/course/flaky/");
        api.answer(flaky.courseUrl(), Answer.status(503, "{}"), Answer.success());
        Tasks refused = aTask().courseUrl("https://courses.example.com/course/refused/");
        api.answer(refused.courseUrl(), Answer.rejected("course not found"));
        pipeline.push(flaky);
        pipeline.push(refused);
        pipeline.awaitCompleted(flaky.taskId());
        pipeline.awaitFailed(refused.taskId());

        awaitStatuses(flaky.taskId(), List.of("processing", "retrying", "processing", "enrolled", "downloading",
                "uploading", "completed"));
        assertEquals("enrollment_unavailable", receiver.callsFor(flaky.taskId()).get(1).json().path("reason").asText());
        awaitStatuses(refused.taskId(), List.of("processing", "failed"));
        CallbackReceiver.Call failed = receiver.callsFor(refused.taskId()).get(1);
        assertEquals("enrollment_rejected", failed.json().path("reason").asText());
        assertEquals("course not found", failed.json().path("message").asText());

        // a replay from the command line (another process in real life) posts its 'queued' as well
        api.answer(refused.courseUrl(), Answer.success());
        Cli.Result replay = new Cli(dir, Map.of("enrollflow.redis.url", redis.url(), "enrollflow.queue.key", Pipeline.QUEUE,
                "enrollflow.status.callback-url", receiver.url())).run("dlq", "replay", refused.taskId());
        assertEquals(0, replay.exitCode(), replay.err());
        pipeline.awaitCompleted(refused.taskId());
        Pipeline.await(Duration.ofSeconds(10)).until(() -> receiver.statusesOf(refused.taskId()).contains("completed"));
        // two processes post about the task here, so arrival order may differ; "at" orders the transitions
        List<CallbackReceiver.Call> after = receiver.callsFor(refused.taskId()).stream().skip(2).toList();
        List<String> statuses = after.stream().map(CallbackReceiver.Call::status).toList();
        assertTrue(statuses.containsAll(List.of("queued", "processing", "enrolled", "downloading", "uploading",
                "completed")), statuses.toString());
        String queuedAt = after.stream().filter(c -> c.status().equals("queued")).findFirst().orElseThrow()
                .json().path("at").asText();
        assertTrue(after.stream().allMatch(c -> c.json().path("at").asText().compareTo(queuedAt) >= 0), statuses.toString());
    }

    @Test
    void aReceiverAnswering500NeverFailsTheTaskAndIsCountedAndLogged() throws Exception {
        receiver.answer(500);
        pipeline.set("enrollflow.status.callback-url", receiver.url() + "?token=cb-secret-in-query")
                .set("enrollflow.status.callback-attempts", "2").set("enrollflow.status.callback-timeout", "1s").start();
        Tasks task = aTask();
        pipeline.push(task);

        pipeline.awaitCompleted(task.taskId());
        Pipeline.await(Duration.ofSeconds(15)).until(() -> callbackFailures("gave_up") >= 5);
        assertTrue(callbackFailures("retried") >= 5);
        assertEquals(10, receiver.callsFor(task.taskId()).size(), "5 transitions, 2 attempts each");
        String warning = log.text().lines().filter(l -> l.contains("outcome=gave-up")).findFirst().orElseThrow();
        assertTrue(warning.contains("WARN") && warning.contains("task=" + task.taskId()) && warning.contains("HTTP 500"), warning);
        assertFalse(log.text().contains("cb-secret-in-query"), "the callback URL's query is never logged");
    }

    @Test
    void aReceiverNobodyListensOnNeverFailsTheTask() throws Exception {
        pipeline.set("enrollflow.status.callback-url", "http://127.0.0.1:" + BundledRedis.freePort() + "/hooks/${taskId}")
                .set("enrollflow.status.callback-attempts", "2").set("enrollflow.status.callback-timeout", "1s").start();
        Tasks task = aTask();
        pipeline.push(task);

        pipeline.awaitCompleted(task.taskId());
        Pipeline.await(Duration.ofSeconds(15)).until(() -> callbackFailures("gave_up") >= 5);
        assertTrue(log.text().contains("stage=callback outcome=gave-up"));
    }

    private static <T> java.util.Collection<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

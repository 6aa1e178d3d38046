package io.enrollflow.queue;

import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.LogCapture;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §2: the same taskId pushed twice. */
class DuplicatesIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void taskPushedAgainWhileInFlightRunsOnce() throws Exception {
        Script download = pipeline.scripts().waitsForGate();
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask().id("90");
        pipeline.push(task);
        pipeline.awaitStatus("90", "downloading");

        pipeline.push(task);
        Pipeline.await(Pipeline.WAIT).until(() -> logs.text().contains("task=90 stage=intake outcome=ignored"));
        download.openGate();
        pipeline.awaitCompleted("90");
        pipeline.awaitIdle();

        assertEquals(1, download.calls());
        assertEquals(1, api.calls(task.courseUrl()));
        assertEquals("completed", pipeline.status("90").get("status"));
    }

    @Test
    void completedTaskPushedAgainIsAcknowledgedAndIgnored() throws Exception {
        Script download = pipeline.scripts().writesCourse();
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask().id("91");
        pipeline.push(task);
        Map<String, String> first = pipeline.awaitCompleted("91");

        pipeline.push(task);
        Pipeline.await(Pipeline.WAIT).until(() -> logs.text().contains("task=91 stage=intake outcome=ignored"));
        pipeline.awaitIdle();

        assertEquals(1, download.calls());
        assertEquals(1, api.calls(task.courseUrl()));
        Map<String, String> again = pipeline.status("91");
        assertEquals("completed", again.get("status"));
        assertEquals(first.get("deliveryUrl"), again.get("deliveryUrl"));
        assertEquals(0, redis.llen(Pipeline.QUEUE));
    }

    @Test
    void failedTaskPushedAgainRunsAgainAndLosesItsDeadLetterWhenItStarts() throws Exception {
        Script download = pipeline.scripts().waitsForGate();
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask().id("92");
        api.answer(task.courseUrl(), Answer.rejected("payment not settled yet"));
        pipeline.push(task);
        pipeline.awaitFailed("92");
        assertNotNull(pipeline.deadLetter("92"));

        api.answer(task.courseUrl(), Answer.success());
        pipeline.push(task);
        Map<String, String> running = pipeline.awaitStatus("92", "downloading");

        assertNull(pipeline.deadLetter("92"), "the record goes when the task starts again");
        assertTrue(redis.deadLetterIds().isEmpty());
        assertEquals("1", running.get("attempts"), "a fresh start");
        download.openGate();
        pipeline.awaitCompleted("92");
        assertNull(pipeline.deadLetter("92"));
    }

    @Test
    void taskPushedAgainWhileWaitingForItsRetryRunsOnce() throws Exception {
        pipeline.set("enrollflow.retry.initial-delay", "1s").set("enrollflow.retry.max-delay", "1s").start();
        Tasks task = aTask().id("93");
        api.answer(task.courseUrl(), Answer.status(503, "maintenance"), Answer.success());
        pipeline.push(task);
        pipeline.awaitStatus("93", "retrying");

        pipeline.push(task);
        Pipeline.await(Pipeline.WAIT).until(() -> logs.text().contains("task=93 stage=intake outcome=ignored"));
        Map<String, String> status = pipeline.awaitCompleted("93");
        pipeline.awaitIdle();

        assertEquals(2, api.calls(task.courseUrl()), "the first attempt and the retry, nothing for the second push");
        assertEquals("2", status.get("attempts"));
        assertEquals(1, pipeline.download().calls());
    }
}

package io.enrollflow.recovery;

import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §7 with the runtime in the test's JVM ({@link Pipeline}): a waiting retry holds no worker, and an entry of an
 * instance's processing list that no worker holds is put back (duplicate pushes: queue/DuplicatesIT).
 */
class InProcessRecoveryIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    @Test
    void aRetryDueInTenMinutesHoldsNoWorkerSlotAndOtherTasksFlowMeanwhile() throws Exception {
        String down = "https://courses.example.com/course/backend-down/";
        api.answer(down, Answer.status(503, "{\"error\":\"maintenance\"}"));
        pipeline.set("enrollflow.worker.concurrency", "1")
                .set("enrollflow.retry.initial-delay", "10m")
                .set("enrollflow.retry.max-delay", "10m")
                .start();
        pipeline.push(aTask().id("waits").courseUrl(down));

        Map<String, String> waiting = pipeline.awaitStatus("waits", "retrying");
        Instant next = Instant.parse(waiting.get("nextAttemptAt"));
        Instant now = Instant.now();
        // 10m with ±20% jitter, never above max-delay
        assertTrue(next.isAfter(now.plus(Duration.ofMinutes(7))) && next.isBefore(now.plus(Duration.ofMinutes(10).plusSeconds(5))),
                "nextAttemptAt " + next + " is not about 10 minutes after " + now);
        for (int i = 1; i <= 3; i++) {
            pipeline.push(aTask().id("flows-" + i));
        }
        for (int i = 1; i <= 3; i++) {
            pipeline.awaitCompleted("flows-" + i);
        }
        pipeline.awaitIdle();

        assertEquals("retrying", pipeline.status("waits").get("status"));
        assertEquals("1", pipeline.status("waits").get("attempts"));
        assertEquals(1, api.calls(down), "enrollment calls for the waiting task");
        assertEquals(0, redis.llen("enrollflow:processing:" + pipeline.runtime().instanceId()), "the processing list");
    }

    @Test
    void anEntryOfTheProcessingListThatNoWorkerHoldsIsPutBackAndCompletes() throws Exception {
        pipeline.set("enrollflow.queue.recovery-timeout", "1s").start();
        String processing = "enrollflow:processing:" + pipeline.runtime().instanceId();

        redis.lpush(processing, aTask().id("orphan").json());

        // a recovery period is 200ms here; an orphan is requeued when it is seen on two checks in a row
        pipeline.awaitStatus("orphan", "completed", Duration.ofSeconds(10));
        pipeline.awaitIdle();
        assertEquals(List.of(), redis.list(processing));
        assertTrue(pipeline.delivered("orphan").resolve("Module 1/intro.txt").toFile().isFile());
    }
}

package io.enrollflow.limit;

import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §4 and §12 through the real pipeline: a call that gets no rate slot at the wire is not sent, and its
 * task is held back as every limit holds a task (status kept, no attempt used, the message naming the limit).
 */
class EnrollmentRateAtTheWireIT {

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    @Order(2)
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    @Order(3)
    final Pipeline pipeline = new Pipeline(redis, api)
            .set("enrollflow.enroll.rate-limit", "1/1m")
            // the first task's one call per minute must not time out on a busy machine (a retry would need a slot)
            .set("enrollflow.enroll.timeout", "30s")
            .set("enrollflow.worker.concurrency", "1");

    @Test
    void aCallWithoutASlotIsNotSentAndItsTaskIsHeldBackWithoutUsingAnAttempt() throws Exception {
        pipeline.start();
        Tasks first = aTask().id("wire-1");
        Tasks second = aTask().id("wire-2");

        pipeline.push(first);
        pipeline.awaitCompleted(first.taskId());
        pipeline.push(second);

        Pipeline.await(Duration.ofSeconds(20)).until(() -> redis.hash(second.taskId()).containsKey("heldBack"));
        Map<String, String> held = redis.hash(second.taskId());
        assertEquals("waiting for the enrollment rate limit (1/1m)", held.get("message"), held.toString());
        assertEquals("processing", held.get("status"), held.toString());
        assertEquals("1", held.get("attempts"), held.toString());
        assertTrue(redis.client().getScoredSortedSet("enrollflow:retries", StringCodec.INSTANCE)
                .contains(second.taskId()), "it waits in the retry schedule, holding no worker");
        assertEquals(1, api.requests().size(), "only the first task's call reached the API");
    }
}

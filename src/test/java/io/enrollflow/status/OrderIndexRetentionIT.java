package io.enrollflow.status;

import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §14: the orderId index ({@code <namespace>:order:<orderId>}, the console's search) is bounded like
 * the records it points to. It expires the longer of {@code enrollflow.status.retention} and
 * {@code enrollflow.deadletter.max-age}, plus {@link StatusStore#ORDER_INDEX_MARGIN}, after its last claim; each claim
 * of one of its tasks starts that time again.
 */
class OrderIndexRetentionIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api)
            .set("enrollflow.status.retention", "3s")
            .set("enrollflow.deadletter.max-age", "20s");

    private long orderIndexTtlMs(String orderId) {
        return redis.client().getBucket("enrollflow:order:" + orderId, StringCodec.INSTANCE).remainTimeToLive();
    }

    @Test
    void theOrderIndexExpiresAfterTheLongestRetentionAndTheMarginAndEachClaimStartsItAgain() throws Exception {
        pipeline.start();
        long bound = Duration.ofSeconds(20).plus(StatusStore.ORDER_INDEX_MARGIN).toMillis();
        Tasks first = aTask().orderId("order-4711");

        pipeline.push(first);
        pipeline.awaitCompleted(first.taskId());
        long afterFirst = orderIndexTtlMs("order-4711");

        assertTrue(afterFirst > bound - 60_000 && afterFirst <= bound, "expires within " + bound + " ms: " + afterFirst);
        // the completed task's status goes after 3 s; the index still names it until its own time is up
        Pipeline.await(Duration.ofSeconds(30)).until(() -> !redis.exists(RedisExtension.TASK_PREFIX + first.taskId()));
        assertTrue(redis.client().getSet("enrollflow:order:order-4711", StringCodec.INSTANCE).contains(first.taskId()));

        long beforeSecond = orderIndexTtlMs("order-4711");
        Tasks second = aTask().orderId("order-4711");
        pipeline.push(second);
        pipeline.awaitCompleted(second.taskId());

        assertTrue(orderIndexTtlMs("order-4711") > beforeSecond, "the second task's claim started the time again");
        assertEquals(2, redis.client().getSet("enrollflow:order:order-4711", StringCodec.INSTANCE).size());
    }
}

package io.enrollflow.ops;

import io.enrollflow.queue.IntakePause;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §1 "two fleets with different namespaces on one Redis share nothing": two runtimes in this JVM on one Redis,
 * fleet A with the namespace {@code shop-a}, fleet B with the hash-tag namespace {@code {shop-b}}. Each takes only its
 * own queue; pause, retries, dead letters and statuses stay in their namespace, and the retry mover of one never pushes
 * the other's tasks. Both fleets get tasks with the same ids, which a shared key would make collide.
 */
class TwoFleetsOneRedisIT {

    private static final String A = "shop-a";
    private static final String B = "{shop-b}";

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline fleetA = new Pipeline(redis, api).namespace(A);
    @RegisterExtension
    final Pipeline fleetB = new Pipeline(redis, api).namespace(B);

    /** Every key of the Redis server: none may be outside the two namespaces. */
    private static void assertEveryKeyIsInANamespace() {
        for (String key : redis.keys("*")) {
            assertTrue(key.startsWith(A + ":") || key.startsWith(B + ":"), key + " belongs to neither fleet");
        }
    }

    @Test
    void eachFleetCompletesTheTasksOfItsOwnQueueEvenWithTheSameIds() throws Exception {
        fleetA.start();
        fleetB.start();
        List<String> ids = List.of("order-1", "order-2", "order-3");

        ids.forEach(id -> fleetA.push(aTask().id(id).orderId("A-" + id)));
        ids.forEach(id -> fleetB.push(aTask().id(id).orderId("B-" + id)));

        for (String id : ids) {
            assertEquals("A-" + id, fleetA.awaitCompleted(id).get("orderId"));
            assertEquals("B-" + id, fleetB.awaitCompleted(id).get("orderId"));
            assertTrue(java.nio.file.Files.isDirectory(fleetA.delivered(id)), "fleet A delivered its " + id);
            assertTrue(java.nio.file.Files.isDirectory(fleetB.delivered(id)), "fleet B delivered its " + id);
        }
        assertEquals(6, api.requests().size(), "each fleet enrolled each of its tasks once");
        assertEveryKeyIsInANamespace();
    }

    @Test
    void pausingOneFleetLeavesTheOtherRunning() throws Exception {
        // paused before it starts, so that no fetch of fleet A is already waiting when the task arrives
        new IntakePause(redis.client(), fleetA.keys()).pause();
        fleetA.start();
        fleetB.start();
        Tasks held = aTask();
        Tasks running = aTask();

        fleetA.push(held);
        fleetB.push(running);

        fleetB.awaitCompleted(running.taskId());
        // fleet A holds its task for as long as it stays paused (it looks at its flag at least every 500 ms)
        Pipeline.await(Duration.ofSeconds(4)).during(Duration.ofSeconds(2))
                .until(() -> fleetA.status(held.taskId()).isEmpty() && redis.llen(fleetA.keys().queue()) == 1);
        assertFalse(new IntakePause(redis.client(), fleetB.keys()).state().paused());

        new IntakePause(redis.client(), fleetA.keys()).resume();
        fleetA.awaitCompleted(held.taskId());
        assertEveryKeyIsInANamespace();
    }

    @Test
    void retriesAndDeadLettersStayInTheirFleetAndNoMoverPushesTheOthersTasks() throws Exception {
        String outage = "https://courses.example.com/course/outage/";
        String fine = "https://courses.example.com/course/fine/";
        api.answer(outage, Answer.status(503, "down for maintenance"), Answer.status(503, "down"),
                Answer.status(503, "down"), Answer.status(503, "down"));
        api.answer(fine, Answer.success());
        fleetA.start();
        fleetB.start();
        Tasks failing = aTask().id("shared-7").courseUrl(outage);
        Tasks completing = aTask().id("shared-7").courseUrl(fine);
        fleetA.push(failing);
        Map<String, String> failed = fleetA.awaitFailed(failing.taskId());
        // had fleet B's retry mover taken fleet A's due retries, fleet B would have claimed the task: a status hash in
        // its namespace and calls to the outage URL beyond fleet A's three attempts
        assertTrue(fleetB.status(failing.taskId()).isEmpty(), "fleet B never ran fleet A's task");
        assertEquals(0, redis.llen(fleetB.keys().queue()));
        assertFalse(redis.exists(fleetB.keys().retries()));
        fleetB.push(completing);
        Map<String, String> completed = fleetB.awaitCompleted(completing.taskId());

        assertEquals("enrollment_unavailable", failed.get("reason"));
        assertEquals("3", failed.get("attempts"), "fleet A retried its task within its own budget");
        assertEquals(fine, completed.get("courseUrl"), "fleet B ran its own task of that id, once");
        assertEquals("1", completed.get("attempts"));
        assertNotNull(fleetA.deadLetter(failing.taskId()));
        assertNull(fleetB.deadLetter(completing.taskId()), "fleet A's dead letter is not fleet B's");
        assertEquals(0, redis.client().getMap(fleetB.keys().deadLetters(), StringCodec.INSTANCE).size());
        assertEquals(1, redis.client().getScoredSortedSet(
                fleetA.keys().deadLetterIndex(null, "enrollment_unavailable"), StringCodec.INSTANCE).size());
        assertEquals(0, redis.client().getScoredSortedSet(fleetA.keys().retries(), StringCodec.INSTANCE).size());
        assertEquals(3, api.calls(outage), "fleet A's three attempts, and no one else's");
        assertEquals(1, api.calls(fine));
        assertEveryKeyIsInANamespace();
    }

}

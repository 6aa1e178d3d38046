package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.testing.RedisExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stopping instance whose workers wait on an empty queue stops at once (docs/contract.md §7), not after their
 * blocking fetches time out, and leaves no wait behind in Redis that could take a task nobody runs.
 */
class IdleStopIT {

    private static final RedisKeys KEYS = RedisKeys.defaults();
    private static final int WORKERS = 3;
    /** Far longer than any stop may take: a stop that waited for it would show. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    @Test
    void idleWorkersStopWithoutWaitingForTheirFetchesAndLeaveNoWaitInRedis() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("redis-queue", QueueComponents.on(redis.client(), KEYS, "idle-stop", new InFlight()));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-queue:" + KEYS.queue() + "?concurrency=" + WORKERS + "&pollTimeout=" + POLL_TIMEOUT.toMillis()
                        + "&shutdownTimeout=1000").routeId("pipeline").process(exchange -> ran.incrementAndGet());
            }
        });
        camel.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> blockedClients() == WORKERS);

        long started = System.nanoTime();
        camel.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(POLL_TIMEOUT.dividedBy(4)) < 0, "stopped in " + took);
        assertEquals(0, blockedClients(), "no fetch is left waiting in Redis");
        redis.lpush(KEYS.queue(), "{\"taskId\":\"after-stop\"}");
        assertEquals(List.of("{\"taskId\":\"after-stop\"}"), redis.list(KEYS.queue()), "nothing took it");
        assertEquals(0, ran.get());
    }

    private static int blockedClients() {
        return Integer.parseInt(redis.client().getRedisNodes(RedisNodes.SINGLE).getInstance()
                .info(RedisNode.InfoSection.CLIENTS).get("blocked_clients"));
    }
}

package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An idle instance's workers each wait on the queue in a blocking fetch of their own, so a burst reaches every worker
 * at once.
 */
class IdleFetchIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RedisKeys KEYS = RedisKeys.defaults();
    private static final int WORKERS = 5;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private CamelContext camel;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addComponent("redis-queue", QueueComponents.on(redis.client(), KEYS, "idle-fetch", new InFlight()));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-queue:" + KEYS.queue() + "?concurrency=" + WORKERS + "&pollTimeout=200&shutdownTimeout=1000")
                        .routeId("pipeline").process(exchange -> {
                            TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
                            run.markIgnored();
                            running.add(exchange.getIn().getBody(String.class));
                            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                        });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        camel.stop();
    }

    @Test
    void eachIdleWorkerWaitsOnTheQueue() {
        await().atMost(WAIT).until(() -> blockedClients() == WORKERS);
    }

    @Test
    void aBurstReachesEveryWorker() {
        await().atMost(WAIT).until(() -> blockedClients() == WORKERS);
        for (int i = 0; i < WORKERS; i++) {
            redis.lpush(KEYS.queue(), "{\"taskId\":\"burst-" + i + "\"}");
        }

        // each worker holds its task until released: all five at once
        await().atMost(WAIT).until(() -> running.size() == WORKERS);
        assertEquals(0, redis.llen(KEYS.queue()));
    }

    /** Clients Redis has blocked in a command (here: the consumer's BLMOVEs). */
    private static int blockedClients() {
        return Integer.parseInt(redis.client().getRedisNodes(RedisNodes.SINGLE).getInstance()
                .info(RedisNode.InfoSection.CLIENTS).get("blocked_clients"));
    }
}

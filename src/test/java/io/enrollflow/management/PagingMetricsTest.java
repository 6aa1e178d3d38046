package io.enrollflow.management;

import io.enrollflow.queue.InFlight;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gauges operators page on (docs/contract.md §8), scraped from the metrics of a real Redis holding the fleet's
 * state: the queue's latency, the oldest due retry's age and the instances' heartbeat ages (the work disk's free space:
 * {@code limit.DiskSpaceTest}).
 */
class PagingMetricsTest {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    private final RedisKeys keys = RedisKeys.defaults();

    private Scrape scrape(Metrics metrics) {
        return new Scrape(metrics.scrape());
    }

    private Metrics metrics() {
        return new Metrics(redis.client(), keys, new InFlight());
    }

    @Test
    void theQueueLatencyIsZeroWhileTheQueueIsEmpty() {
        Scrape scraped = scrape(metrics());

        assertEquals(0.0, scraped.value("enrollflow_queue_latency_seconds"), scraped.toString());
        assertEquals(0.0, scraped.value("enrollflow_retry_oldest_due_age_seconds"));
    }

    @Test
    void theQueueLatencyCountsFromTheOldestWaitingTasksQueuedAt() {
        Metrics metrics = metrics();
        redis.lpush(keys.queue(), aTask().with("queuedAt", Instant.now().minusSeconds(600).toString()).json());
        redis.lpush(keys.queue(), aTask().with("queuedAt", Instant.now().minusSeconds(5).toString()).json());

        double latency = scrape(metrics).value("enrollflow_queue_latency_seconds");

        assertTrue(latency >= 599 && latency < 700, "the oldest task's age, from its queuedAt: " + latency);
    }

    @Test
    void queuedAtMayBeEpochMillisecondsOrSeconds() {
        Metrics metrics = metrics();
        redis.lpush(keys.queue(), aTask().with("queuedAt", System.currentTimeMillis() - 300_000).json());
        double fromMillis = scrape(metrics).value("enrollflow_queue_latency_seconds");
        redis.flushAll();
        redis.lpush(keys.queue(), aTask().with("queuedAt", System.currentTimeMillis() / 1000 - 300).json());
        double fromSeconds = scrape(metrics).value("enrollflow_queue_latency_seconds");

        assertTrue(fromMillis >= 299 && fromMillis < 400, "epoch milliseconds: " + fromMillis);
        assertTrue(fromSeconds >= 298 && fromSeconds < 400, "epoch seconds: " + fromSeconds);
    }

    @Test
    void withoutQueuedAtATasksWaitCountsFromTheFirstScrapeThatSawItNotFromWhenItBecameTheOldest() throws Exception {
        Metrics metrics = metrics();
        Tasks first = aTask();
        Tasks second = aTask();
        redis.lpush(keys.queue(), first.json());
        assertEquals(0.0, scrape(metrics).value("enrollflow_queue_latency_seconds"), 0.5, "just seen");
        redis.lpush(keys.queue(), second.json());
        scrape(metrics); // sees the second task at the queue's newest end
        TimeUnit.MILLISECONDS.sleep(1500);

        // the first task is taken: the second is now the oldest waiting, and has waited since that scrape
        redis.client().getDeque(keys.queue(), StringCodec.INSTANCE).pollLast();
        double latency = scrape(metrics).value("enrollflow_queue_latency_seconds");

        assertTrue(latency >= 1.4, "the second task waited since the scrape that first saw it: " + latency);
    }

    @Test
    void aTaskPushedAndCoveredBetweenTwoScrapesCountsFromTheScrapeBeforeTheNewerOne() throws Exception {
        Metrics metrics = metrics();
        redis.lpush(keys.queue(), aTask().json());
        scrape(metrics);
        redis.lpush(keys.queue(), aTask().json()); // never at the newest end during a scrape
        redis.lpush(keys.queue(), aTask().json());
        scrape(metrics);
        TimeUnit.MILLISECONDS.sleep(1500);

        redis.client().getDeque(keys.queue(), StringCodec.INSTANCE).pollLast();
        double latency = scrape(metrics).value("enrollflow_queue_latency_seconds");

        assertTrue(latency >= 1.4, "on record since a scrape at least as old as the task: " + latency);
    }

    @Test
    void theFirstSightRecordsGoWithTheTasksAndWithAnEmptyQueue() {
        Metrics metrics = metrics();
        for (int i = 0; i < 5; i++) {
            redis.lpush(keys.queue(), aTask().json());
            scrape(metrics);
        }
        assertTrue(redis.exists(keys.queueSeen()));

        redis.client().getDeque(keys.queue(), StringCodec.INSTANCE).delete();
        scrape(metrics);

        assertFalse(redis.exists(keys.queueSeen()), "an empty queue keeps no records");
    }

    @Test
    void theOldestDueRetrysAgeIsHowLongItHasBeenDueAndZeroWhileNoneIsDue() {
        Metrics metrics = metrics();
        redis.client().getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).add(System.currentTimeMillis() + 60_000, "later");
        assertEquals(0.0, scrape(metrics).value("enrollflow_retry_oldest_due_age_seconds"), "not due yet");

        redis.client().getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).add(System.currentTimeMillis() - 90_000, "stuck");
        double age = scrape(metrics).value("enrollflow_retry_oldest_due_age_seconds");

        assertTrue(age >= 89 && age < 150, "due for 90 s: " + age);
    }

    @Test
    void eachLiveInstanceHasItsHeartbeatAgeAndADeadOneHasNone() {
        Metrics metrics = metrics();
        live("worker-a", 18_000, 12_000); // beat 6 s ago
        live("worker-b", 18_000, 17_500);
        redis.client().getSet(keys.instances(), StringCodec.INSTANCE).add("worker-dead"); // its heartbeat expired

        Scrape scraped = scrape(metrics);

        double a = scraped.value("enrollflow_instance_heartbeat_age_seconds", "instance=\"worker-a\"");
        double b = scraped.value("enrollflow_instance_heartbeat_age_seconds", "instance=\"worker-b\"");
        assertTrue(a >= 6 && a < 8, scraped.toString());
        assertTrue(b >= 0.5 && b < 2.5, scraped.toString());
        assertTrue(Double.isNaN(scraped.value("enrollflow_instance_heartbeat_age_seconds", "instance=\"worker-dead\"")),
                "a dead instance has no series: " + scraped);

        redis.client().getBucket(keys.heartbeat("worker-b"), StringCodec.INSTANCE).delete();
        assertTrue(Double.isNaN(scrape(metrics).value("enrollflow_instance_heartbeat_age_seconds", "instance=\"worker-b\"")),
                "its series goes when its heartbeat does");
    }

    @Test
    void whileRedisCannotBeReadTheFleetGaugesAreUnknown() {
        Metrics metrics = metrics();
        live("worker-a", 18_000, 12_000);
        assertFalse(Double.isNaN(scrape(metrics).value("enrollflow_queue_latency_seconds")));

        redis.server().stop();
        try {
            Scrape scraped = scrape(metrics);
            assertTrue(Double.isNaN(scraped.value("enrollflow_queue_latency_seconds")), scraped.toString());
            assertTrue(Double.isNaN(scraped.value("enrollflow_retry_oldest_due_age_seconds")));
            assertFalse(scraped.has("enrollflow_instance_heartbeat_age_seconds"), scraped.toString());
        } finally {
            redis.server().restart();
        }
    }

    /** An instance's heartbeat as Recovery writes it: the key with its lifetime left, the details with the lifetime. */
    private void live(String instance, long lifetimeMs, long leftMs) {
        redis.client().getBucket(keys.heartbeat(instance), StringCodec.INSTANCE).set("1", leftMs, TimeUnit.MILLISECONDS);
        redis.client().getBucket(keys.instanceDetails(instance), StringCodec.INSTANCE)
                .set("{\"host\":\"h\",\"startedAt\":\"x\",\"concurrency\":5,\"heartbeatTtlMs\":" + lifetimeMs + "}");
        redis.client().getSet(keys.instances(), StringCodec.INSTANCE).add(instance);
    }
}

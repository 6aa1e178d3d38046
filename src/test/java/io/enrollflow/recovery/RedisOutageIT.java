package io.enrollflow.recovery;

import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.enrollflow.recovery.CrashRecoveryIT.await;
import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §7 "while Redis is unreachable": Redis crashes (SIGKILL) while tasks are mid-download and comes back a few
 * seconds later with its data (append-only file, fsync always); enrollflow, a second JVM, keeps running, reconnects,
 * and every task still ends completed. Its log says so once per outage, not once per attempt.
 */
class RedisOutageIT {

    /** Long enough for several reconnect attempts of every component. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();

    private PersistentRedis server;
    private RedissonClient redis;
    private Fleet fleet;

    @BeforeEach
    void startRedis() {
        server = new PersistentRedis().start();
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(server.url()).setRetryAttempts(1).setTimeout(2_000);
        redis = Redisson.create(config);
        fleet = new Fleet(server.url(), api.url());
    }

    @AfterEach
    void stopAll() {
        fleet.close();
        redis.shutdown();
        server.close();
    }

    @Test
    void redisCrashingMidRunLosesNoTaskAndTheInstanceLivesOn() throws InterruptedException {
        Script download = fleet.slowDownload("slow", 2);
        fleet.download(download).set("enrollflow.worker.concurrency", "3");
        Worker worker = fleet.start();
        worker.awaitReady(redis, Duration.ofSeconds(60));
        List<String> ids = IntStream.rangeClosed(1, 6).mapToObj(i -> "outage-" + i).toList();
        ids.forEach(id -> redis.getDeque(Fleet.QUEUE, StringCodec.INSTANCE).addFirst(aTask().id(id).json()));
        await(Duration.ofSeconds(30)).until(() -> ids.stream().filter(id -> "downloading".equals(status(id).get("status"))).count() >= 2);

        server.kill();
        Instant down = Instant.now();
        await(Duration.ofSeconds(30)).until(() -> worker.log().contains("redis-unreachable"));
        // the outage itself: Redis stays away at least this long, whatever enrollflow does meanwhile
        Thread.sleep(Math.max(0, OUTAGE.minus(Duration.between(down, Instant.now())).toMillis()));
        server.start();

        // the test's own client may meet a dead connection once more right after the restart
        ids.forEach(id -> await(Duration.ofSeconds(90)).alias(id + " completed").ignoreExceptionsInstanceOf(RedisException.class).until(() -> {
            String now = status(id).get("status");
            if ("failed".equals(now)) {
                throw new AssertionError(id + " failed: " + status(id) + "\n" + worker.log());
            }
            return "completed".equals(now);
        }));
        assertTrue(worker.alive(), "the instance died:\n" + worker.log());
        List<String> outageLines = worker.logLines("redis-unreachable");
        assertTrue(outageLines.size() <= 5, "one line per outage per component, not one per attempt:\n"
                + String.join("\n", outageLines));
        assertEquals(List.of(), worker.logLines("TimerConsumer"), "errors logged by a timer (the retry mover) on each tick");
        assertEquals(ids.stream().sorted().toList(), fleet.deliveredEntries(), "the delivery folder");
        assertEquals(0, redis.getDeque(Fleet.QUEUE, StringCodec.INSTANCE).size(), "the queue");
    }

    private Map<String, String> status(String id) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        redis.getMap("enrollflow:task:" + id, StringCodec.INSTANCE).readAllMap()
                .forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}

package io.enrollflow.redis;

import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.testing.RedisProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * enrollflow.redis.wait-replicas (docs/contract.md §13): a decision script is followed by WAIT on its own connection, so when the
 * call returns the replica holds the decision; a replica that does not answer delays a decision by the timeout at most,
 * and the decision stands. A real primary and replica (the embedded-redis binary).
 */
class DurableDecisionsIT {

    private static final RedisKeys KEYS = RedisKeys.defaults();

    @TempDir
    Path dir;
    private RedisProcess primary;
    private RedisProcess replica;
    private RedissonClient redis;

    @BeforeEach
    void primaryAndReplica() {
        primary = RedisProcess.start(dir, false);
        replica = RedisProcess.start(dir, false, "replicaof 127.0.0.1 " + primary.port());
        Awaitility.await("the replica in sync").atMost(Duration.ofSeconds(30))
                .until(() -> String.valueOf(replica.command("INFO", "replication")).contains("master_link_status:up"));
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://" + primary.hostPort());
        redis = Redisson.create(config);
    }

    @AfterEach
    void stop() {
        redis.shutdown();
        replica.close();
        primary.close();
    }

    @Test
    void whenADecisionReturnsTheReplicaHoldsIt() {
        RedisScripts scripts = new RedisScripts(redis, 1, Duration.ofSeconds(5));

        for (int i = 0; i < 200; i++) {
            String id = "t" + i;
            String raw = "{\"taskId\":\"" + id + "\"}";
            redis.getList(KEYS.processing("i1"), StringCodec.INSTANCE).add(raw);
            scripts.integer(Script.TRANSITION, List.of(KEYS.task(id), KEYS.history(id), KEYS.claim(id), KEYS.processing("i1")),
                    "2026-12-01T00:00:00Z", 50, raw, "", 0, 0, "status", "completed", "message", "delivered");

            // read from the replica at once: no waiting for replication, WAIT already did
            assertEquals("completed", replica.command("HGET", KEYS.task(id), "status"), id);
        }
        assertEquals(0, scripts.unreplicated());
    }

    /**
     * A frozen replica stays connected but acknowledges nothing. A WAIT on the decision's own connection then times out
     * (counted as unreplicated); a WAIT on any other connection, which wrote nothing, would return at once with the
     * replica counted, and no WAIT at all would count nothing: so this also proves the WAIT rides with the script.
     */
    @Test
    void aReplicaThatDoesNotAcknowledgeDelaysADecisionByTheTimeoutAndTheDecisionStands() {
        RedisScripts scripts = new RedisScripts(redis, 1, Duration.ofMillis(300));
        replica.freeze();
        String raw = "{\"taskId\":\"x\"}";
        redis.getList(KEYS.processing("i1"), StringCodec.INSTANCE).add(raw);

        long removed = scripts.integer(Script.TRANSITION, List.of(KEYS.task("x"), KEYS.history("x"), KEYS.claim("x"),
                KEYS.processing("i1")), "2026-12-01T00:00:00Z", 50, raw, "", 0, 0, "status", "completed", "message", "delivered");

        assertEquals(1, removed);
        assertEquals("completed", primary.command("HGET", KEYS.task("x"), "status"));
        assertEquals(1, scripts.unreplicated());
    }

    @Test
    void aTransitionThatDecidesNothingIsNotWaitedFor() {
        RedisScripts scripts = new RedisScripts(redis, 1, Duration.ofMillis(200));
        replica.kill9();

        scripts.integer(Script.TRANSITION, List.of(KEYS.task("y"), KEYS.history("y"), KEYS.claim("y"), KEYS.processing("i1")),
                "2026-12-01T00:00:00Z", 50, "", "", 0, 0, "status", "downloading", "message", "");

        assertEquals(0, scripts.unreplicated(), "a progress write waited for replicas");
    }

    @Test
    void anEmptyKeyIsRefusedBeforeItReachesRedis() {
        RedisScripts scripts = new RedisScripts(redis);

        assertThrows(IllegalArgumentException.class, () -> scripts.integer(Script.REQUEUE_ORPHAN,
                List.of(KEYS.processing("i1"), KEYS.queue(), ""), "raw", "i1"));
    }
}

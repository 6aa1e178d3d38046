package io.enrollflow.ha;

import io.enrollflow.testing.RedisProcess;
import org.awaitility.Awaitility;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A primary, one replica and three Sentinels watching them as {@value #MASTER}, on 127.0.0.1: the smallest Sentinel
 * setup that survives the loss of its primary. Sentinels call the primary down after one second without an answer
 * ({@code down-after-milliseconds 1000}) and two of three must agree (quorum 2). A failover attempt that did not
 * complete is tried again after twice {@code failover-timeout}: 8 s here, not Sentinel's usual 20 s (a replica thawed
 * from a stall at the moment its primary dies sometimes misses the first attempt).
 */
final class LocalSentinels implements AutoCloseable {

    static final String MASTER = "mymaster";

    private final RedisProcess primary;
    private final RedisProcess replica;
    private RedisProcess secondReplica;
    private final List<RedisProcess> sentinels = new ArrayList<>();
    private RedissonClient client;

    LocalSentinels(Path dir) {
        primary = RedisProcess.start(dir, false);
        replica = RedisProcess.start(dir, false, "replicaof 127.0.0.1 " + primary.port());
        Awaitility.await("the replica in sync").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> String.valueOf(replica.command("INFO", "replication")).contains("master_link_status:up"));
        for (int i = 0; i < 3; i++) {
            sentinels.add(RedisProcess.start(dir, true, "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 4000",
                    "sentinel parallel-syncs " + MASTER + " 1"));
        }
        Awaitility.await("the sentinels know each other and the replica").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> sentinels.stream().allMatch(s -> {
                    String master = String.valueOf(s.command("SENTINEL", "MASTER", MASTER));
                    return master.contains("num-other-sentinels, 2") && master.contains("num-slaves, 1");
                }));
    }

    /** The value of enrollflow.redis.sentinels. */
    String sentinels() {
        return sentinels.stream().map(RedisProcess::hostPort).collect(Collectors.joining(","));
    }

    RedisProcess primary() {
        return primary;
    }

    RedisProcess replica() {
        return replica;
    }

    /** A new replica of the promoted one, as an operator would attach after a failover; waits until it is in sync. */
    void attachReplicaToThePromotedOne(Path dir) {
        secondReplica = RedisProcess.start(dir, false, "replicaof 127.0.0.1 " + replica.port());
        Awaitility.await("the new replica in sync").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> String.valueOf(secondReplica.command("INFO", "replication")).contains("master_link_status:up"));
    }

    /** True once the replica was promoted (it answers ROLE with "master"). */
    boolean replicaPromoted() {
        try {
            return "master".equals(((List<?>) replica.command("ROLE")).get(0));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A Redisson client in Sentinel mode for the test's own reads and writes (plain text, from the primary). */
    synchronized RedissonClient client() {
        if (client == null) {
            Config config = new Config();
            config.setCodec(StringCodec.INSTANCE);
            var sentinel = config.useSentinelServers().setMasterName(MASTER).setCheckSentinelsList(false)
                    .setReadMode(ReadMode.MASTER);
            sentinels.forEach(s -> sentinel.addSentinelAddress("redis://" + s.hostPort()));
            client = Redisson.create(config);
        }
        return client;
    }

    @Override
    public void close() {
        try {
            if (client != null) {
                client.shutdown();
            }
        } finally {
            sentinels.forEach(RedisProcess::close);
            if (secondReplica != null) {
                secondReplica.close();
            }
            replica.close();
            primary.close();
        }
    }
}

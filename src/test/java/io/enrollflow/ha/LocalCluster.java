package io.enrollflow.ha;

import io.enrollflow.testing.RedisProcess;
import org.awaitility.Awaitility;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of three masters on 127.0.0.1, formed by the test itself: each node gets a third of the 16384 slots
 * ({@code CLUSTER ADDSLOTS}), the first meets the others ({@code CLUSTER MEET}), and the cluster is ready when every node
 * says {@code cluster_state:ok}. No replicas: the Cluster IT tests that enrollflow's keys and scripts work across
 * masters, not Cluster's own failover.
 */
final class LocalCluster implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final List<RedisProcess> nodes = new ArrayList<>();
    private RedissonClient client;

    LocalCluster(Path dir) {
        for (int i = 0; i < 3; i++) {
            nodes.add(RedisProcess.start(dir, false, "cluster-enabled yes", "cluster-config-file nodes.conf",
                    "cluster-node-timeout 2000"));
        }
        for (int i = 0; i < 3; i++) {
            int from = i * SLOTS / 3;
            int to = (i + 1) * SLOTS / 3;
            List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            IntStream.range(from, to).forEach(slot -> args.add(Integer.toString(slot)));
            nodes.get(i).command(args.toArray(String[]::new));
        }
        for (int i = 1; i < 3; i++) {
            nodes.get(0).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(i).port()));
        }
        Awaitility.await("cluster_state:ok on every node").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> nodes.stream().allMatch(node -> String.valueOf(node.command("CLUSTER", "INFO"))
                        .contains("cluster_state:ok") && String.valueOf(node.command("CLUSTER", "INFO"))
                        .contains("cluster_known_nodes:3")));
    }

    /** The value of enrollflow.redis.cluster-nodes: every node. */
    String nodes() {
        return nodes.stream().map(RedisProcess::hostPort).collect(Collectors.joining(","));
    }

    /** A Redisson cluster client for the test's own reads and writes (plain text values). */
    synchronized RedissonClient client() {
        if (client == null) {
            Config config = new Config();
            config.setCodec(StringCodec.INSTANCE);
            var cluster = config.useClusterServers();
            nodes.forEach(node -> cluster.addNodeAddress("redis://" + node.hostPort()));
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
            nodes.forEach(RedisProcess::close);
        }
    }
}

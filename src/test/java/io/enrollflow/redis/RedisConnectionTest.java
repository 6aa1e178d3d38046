package io.enrollflow.redis;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §1 and §13: which Redis the settings name, and the settings that stop start-up. */
class RedisConnectionTest {

    @TempDir
    Path tmp;

    @Test
    void nettysLeakDetectorIsOffUnlessTheOperatorSetsItsLevel() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(RedisConnection.LEAK_DETECTION);
        try {
            System.clearProperty(RedisConnection.LEAK_DETECTION);
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            RedisConnection.quietLeakDetector();
            assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());

            System.setProperty(RedisConnection.LEAK_DETECTION, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            RedisConnection.quietLeakDetector();
            assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
        } finally {
            ResourceLeakDetector.setLevel(before);
            if (property == null) {
                System.clearProperty(RedisConnection.LEAK_DETECTION);
            } else {
                System.setProperty(RedisConnection.LEAK_DETECTION, property);
            }
        }
    }

    @Test
    void withNeitherListSetTheUrlNamesOneServer() throws IOException {
        assertEquals(RedisConnection.Mode.SINGLE, RedisConnection.mode(settings(Map.of())));
    }

    @Test
    void theOneServersPasswordIsASettingOfRedissonNeverPartOfTheAddressItLogs() throws IOException {
        Config withUser = RedisConnection.config(settings(Map.of("ENROLLFLOW_REDIS_URL",
                "redis://app:p%40ss:w0rd@10.0.0.7:6380/2")), 2);
        assertEquals("redis://10.0.0.7:6380/2", withUser.useSingleServer().getAddress());
        assertEquals("app", withUser.useSingleServer().getUsername());
        assertEquals("p@ss:w0rd", withUser.useSingleServer().getPassword());

        Config passwordOnly = RedisConnection.config(settings(Map.of("ENROLLFLOW_REDIS_URL", "rediss://:s3cret@h:6379")), 2);
        assertEquals("rediss://h:6379", passwordOnly.useSingleServer().getAddress());
        assertEquals(null, passwordOnly.useSingleServer().getUsername());
        assertEquals("s3cret", passwordOnly.useSingleServer().getPassword());

        Config none = RedisConnection.config(settings(Map.of("ENROLLFLOW_REDIS_URL", "redis://127.0.0.1:6379")), 2);
        assertEquals("redis://127.0.0.1:6379", none.useSingleServer().getAddress());
        assertEquals(null, none.useSingleServer().getPassword());
    }

    @Test
    void sentinelsChooseSentinelModeAndEveryCommandGoesToThePrimary() throws IOException {
        RedisSettings settings = settings(Map.of("ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:26379, 127.0.0.1:26380",
                "ENROLLFLOW_REDIS_MASTER_NAME", "queue", "ENROLLFLOW_REDIS_PASSWORD", "s3cret"));

        Config config = RedisConnection.config(settings, 5);

        assertEquals(RedisConnection.Mode.SENTINEL, RedisConnection.mode(settings));
        assertEquals(List.of("redis://127.0.0.1:26379", "redis://127.0.0.1:26380"),
                config.useSentinelServers().getSentinelAddresses());
        assertEquals("queue", config.useSentinelServers().getMasterName());
        assertEquals("s3cret", config.useSentinelServers().getPassword());
        assertEquals(ReadMode.MASTER, config.useSentinelServers().getReadMode());
        assertEquals(5 + 8, config.useSentinelServers().getMasterConnectionPoolSize());
    }

    @Test
    void thePoolsFollowTheConcurrencyNotRedissonsDefaults() throws IOException {
        Config config = RedisConnection.config(settings(Map.of()), 50);

        assertEquals(50 + 8, config.useSingleServer().getConnectionPoolSize(), "a connection per worker, 8 for the rest");
        assertEquals(4, config.useSingleServer().getConnectionMinimumIdleSize(),
                "a few open before the workers need them: the first fetches and the first task's scripts");
        assertEquals(3, RedisConnection.config(settings(Map.of()), 1).useSingleServer().getConnectionMinimumIdleSize());
        assertEquals(Math.max(2, Runtime.getRuntime().availableProcessors()), config.getNettyThreads());
        assertEquals(2, config.getThreads());
    }

    @Test
    void theHeartbeatsClientHasOneConnectionAndOneEventLoopToTheSameServersInEveryMode() throws IOException {
        RedisSettings single = settings(Map.of("ENROLLFLOW_REDIS_URL", "redis://:s3cret@10.0.0.7:6380/2"));
        Config config = RedisConnection.heartbeatConfig(single);
        assertEquals(1, config.getNettyThreads());
        assertEquals(1, config.getThreads());
        assertEquals(1, config.useSingleServer().getConnectionPoolSize());
        assertEquals(1, config.useSingleServer().getConnectionMinimumIdleSize());
        assertEquals("redis://10.0.0.7:6380/2", config.useSingleServer().getAddress());
        assertEquals("s3cret", config.useSingleServer().getPassword());

        RedisSettings sentinels = settings(Map.of("ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:26379,127.0.0.1:26380",
                "ENROLLFLOW_REDIS_MASTER_NAME", "queue"));
        Config sentinel = RedisConnection.heartbeatConfig(sentinels);
        assertEquals(RedisConnection.config(sentinels, 5).useSentinelServers().getSentinelAddresses(),
                sentinel.useSentinelServers().getSentinelAddresses(), "it follows a failover as the shared client does");
        assertEquals("queue", sentinel.useSentinelServers().getMasterName());
        assertEquals(ReadMode.MASTER, sentinel.useSentinelServers().getReadMode());
        assertEquals(1, sentinel.useSentinelServers().getMasterConnectionPoolSize());

        Config cluster = RedisConnection.heartbeatConfig(settings(Map.of("ENROLLFLOW_REDIS_CLUSTER_NODES",
                "10.0.0.1:7000,10.0.0.2:7000", "ENROLLFLOW_REDIS_NAMESPACE", "{enrollflow}")));
        assertEquals(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000"),
                cluster.useClusterServers().getNodeAddresses());
        assertEquals(1, cluster.useClusterServers().getMasterConnectionPoolSize());
        assertEquals(1, cluster.getNettyThreads());
    }

    @Test
    void redissonReferencesAreOffForEveryServerMode() throws IOException {
        // enrollflow stores only text: no argument or reply is checked against Redisson's object types
        for (Map<String, String> env : List.of(Map.<String, String>of(),
                Map.of("ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:26379", "ENROLLFLOW_REDIS_MASTER_NAME", "queue"),
                Map.of("ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:7000", "ENROLLFLOW_REDIS_NAMESPACE", "{enrollflow}"))) {
            assertFalse(RedisConnection.config(settings(env), 2).isReferenceEnabled(), env.toString());
        }
    }

    @Test
    void clusterNodesWithTlsAreRedissAddresses() throws IOException {
        Config config = RedisConnection.config(settings(Map.of("ENROLLFLOW_REDIS_CLUSTER_NODES", "10.0.0.1:7000,[::1]:7001",
                "ENROLLFLOW_REDIS_NAMESPACE", "{enrollflow}", "ENROLLFLOW_REDIS_TLS", "true")), 2);

        assertEquals(List.of("rediss://10.0.0.1:7000", "rediss://[::1]:7001"), config.useClusterServers().getNodeAddresses());
        assertEquals(ReadMode.MASTER, config.useClusterServers().getReadMode());
    }

    @Test
    void sentinelsAndClusterNodesTogetherStopStartUpNamingTheKeys() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RedisConnection.mode(settings(Map.of(
                "ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:26379", "ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:7000"))));

        assertTrue(e.getMessage().startsWith("enrollflow.redis.cluster-nodes: set together with enrollflow.redis.sentinels"),
                e.getMessage());
    }

    @Test
    void aClusterWithANamespaceThatIsNoHashTagStopsStartUpSayingToUseOne() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RedisConnection.config(settings(Map.of(
                "ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:7000")), 1));

        assertEquals("enrollflow.redis.namespace: \"enrollflow\" is not a hash tag; on Redis Cluster"
                + " (enrollflow.redis.cluster-nodes) every key must fall in one slot: use a hash tag such as {enrollflow}",
                e.getMessage());
    }

    @Test
    void aClusterQueueOutsideTheNamespacesSlotStopsStartUpNamingTheQueueKey() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RedisConnection.config(settings(Map.of(
                "ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:7000", "ENROLLFLOW_REDIS_NAMESPACE", "{enrollflow}",
                "ENROLLFLOW_QUEUE_KEY", "shop:tasks")), 1));

        assertTrue(e.getMessage().startsWith("enrollflow.queue.key: \"shop:tasks\" is not in the namespace's Cluster slot"),
                e.getMessage());
        RedisConnection.config(settings(Map.of("ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:7000",
                "ENROLLFLOW_REDIS_NAMESPACE", "{enrollflow}", "ENROLLFLOW_QUEUE_KEY", "shop:{enrollflow}:tasks")), 1);
    }

    @Test
    void anEntryThatIsNotHostPortIsNamedWithItsKey() throws IOException {
        for (String bad : List.of("127.0.0.1", "redis://127.0.0.1:26379", "host:99999", "a b:1")) {
            ConfigException e = assertThrows(ConfigException.class, () -> RedisConnection.config(settings(Map.of(
                    "ENROLLFLOW_REDIS_SENTINELS", bad)), 1));
            assertTrue(e.getMessage().startsWith("enrollflow.redis.sentinels: \""), e.getMessage());
        }
    }

    @Test
    void sentinelModeNeedsAMasterName() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RedisConnection.config(settings(Map.of(
                "ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:26379", "ENROLLFLOW_REDIS_MASTER_NAME", "")), 1));

        assertEquals("enrollflow.redis.master-name: is required but empty", e.getMessage());
    }

    @Test
    void aMalformedUrlIsNamedWithoutRepeatingItsPassword() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RedisConnection.config(settings(Map.of(
                "ENROLLFLOW_REDIS_URL", "redis//:hunter2@host:6379")), 1));

        assertTrue(e.getMessage().startsWith("enrollflow.redis.url: "), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aHashTagIsANonEmptyBracePairAtTheFirstBrace() {
        assertTrue(new RedisKeys("{enrollflow}", null).isHashTagged());
        assertTrue(new RedisKeys("shop:{b}", null).isHashTagged());
        assertFalse(new RedisKeys("enrollflow", null).isHashTagged());
        assertFalse(new RedisKeys("{}enrollflow", null).isHashTagged());
        assertFalse(new RedisKeys("{enrollflow", null).isHashTagged());
    }

    private RedisSettings settings(Map<String, String> env) throws IOException {
        Path file = tmp.resolve("application.properties");
        Files.writeString(file, "");
        return RedisSettings.from(Settings.load(file, env));
    }
}

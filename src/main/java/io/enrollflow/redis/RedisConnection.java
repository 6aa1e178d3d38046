package io.enrollflow.redis;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.RedisSettings;
import io.netty.util.ResourceLeakDetector;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.ReadMode;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.SubscriptionMode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Builds enrollflow's Redisson clients, in one of three modes (docs/contract.md §1, §13): one server
 * ({@code enrollflow.redis.url}), Sentinel ({@code enrollflow.redis.sentinels} with {@code enrollflow.redis.master-name})
 * or Redis Cluster ({@code enrollflow.redis.cluster-nodes}). Every mode gets the same tuning (threads, pool, timeouts,
 * retries). {@link StringCodec} keeps values plain text, so what producers LPUSH and what the backend reads stay
 * ordinary JSON (Redisson's default codec is binary).
 */
public final class RedisConnection {

    public static final String URL = RedisSettings.URL;
    public static final String SENTINELS = RedisSettings.SENTINELS;
    public static final String CLUSTER_NODES = RedisSettings.CLUSTER_NODES;

    /** Where enrollflow's Redis is. */
    public enum Mode {
        SINGLE(URL), SENTINEL(SENTINELS), CLUSTER(CLUSTER_NODES);

        private final String setting;

        Mode(String setting) {
            this.setting = setting;
        }

        /** The setting that chose this mode: what a message about the connection names. */
        public String setting() {
            return setting;
        }
    }

    /** How long the client waits for one answer before it tries again. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How many times the client sends a command again after a timeout or a dropped connection. */
    public static final int RETRY_ATTEMPTS = 3;
    /** The wait between two tries. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /**
     * Connections beyond one per worker: recovery, the retry mover, the console and the metrics (the heartbeat has a
     * client of its own, {@link #connectForHeartbeat}).
     */
    static final int BACKGROUND_CONNECTIONS = 8;
    /** The system property that sets Netty's leak detection level (see {@link #quietLeakDetector}). */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private RedisConnection() {
    }

    /**
     * The longest one Redis call of this client can take before it fails: every try timing out, with the waits in
     * between ({@code TIMEOUT × (RETRY_ATTEMPTS + 1) + RETRY_DELAY × RETRY_ATTEMPTS}, 23 s). The heartbeat does not
     * go through these settings: its lifetime would have to exceed this (see {@code queue.Recovery}).
     */
    public static Duration slowestCall() {
        return TIMEOUT.multipliedBy(RETRY_ATTEMPTS + 1L).plus(RETRY_DELAY.multipliedBy(RETRY_ATTEMPTS));
    }

    /**
     * The mode the settings choose: Sentinel when {@code enrollflow.redis.sentinels} is set, Cluster when
     * {@code enrollflow.redis.cluster-nodes} is, else the one server of {@code enrollflow.redis.url} (both set does not
     * pass {@link RedisSettings#from}).
     */
    public static Mode mode(RedisSettings settings) {
        return settings.sentinel() ? Mode.SENTINEL : settings.cluster() ? Mode.CLUSTER : Mode.SINGLE;
    }

    /**
     * Checks the Redis settings and builds the client (no round trip yet when {@code lazy}).
     *
     * @param blockingUse how many connections block at once on BLMOVE (the worker threads); the pool gets that many
     *                    plus a margin for status writes, scripts and the retry mover
     * @param lazy        true for the runtime: start even while Redis is unreachable and connect when it is back;
     *                    false for the CLI: fail at once with a clear message
     */
    public static RedissonClient connect(RedisSettings settings, int blockingUse, boolean lazy) {
        Config config = config(settings, blockingUse);
        quietLeakDetector();
        config.setLazyInitialization(lazy);
        return Redisson.create(config);
    }

    /**
     * A client of its own for the heartbeat ({@code queue.Heartbeat}): one connection and one event-loop thread that
     * nothing else uses, so a refresh never waits behind the instance's own traffic (replies queued on busy event loops,
     * a pool taken by workers and upload threads). Same mode, addresses and credentials as the runtime's, so it follows
     * a Sentinel or Cluster failover the same way. Lazy, as the runtime's client.
     */
    public static RedissonClient connectForHeartbeat(RedisSettings settings) {
        Config config = heartbeatConfig(settings);
        quietLeakDetector();
        config.setLazyInitialization(true);
        return Redisson.create(config);
    }

    /** The heartbeat client's configuration: the runtime's, with one connection and one event-loop thread. */
    static Config heartbeatConfig(RedisSettings settings) {
        Config config = config(settings, 1, 1);
        config.setNettyThreads(1);
        config.setThreads(1);
        return config;
    }

    /**
     * Netty's leak detector off unless the operator asks for it ({@code -Dio.netty.leakDetection.level=simple} in
     * JAVA_OPTS): at its default it records a stack trace for one buffer in 128, a measurable share of a busy worker's CPU
     * (perf, bench/run.sh), to find buffers that Redisson, not enrollflow, allocates and releases.
     */
    static void quietLeakDetector() {
        if (System.getProperty(LEAK_DETECTION) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** The client configuration the settings describe; a bad setting throws {@link ConfigException} naming its key. */
    static Config config(RedisSettings settings, int blockingUse) {
        return config(settings, poolSize(blockingUse), minimumIdle(blockingUse));
    }

    /** As {@link #config(RedisSettings, int)}, with the pool's size and how many of its connections stay open. */
    private static Config config(RedisSettings settings, int pool, int minimumIdle) {
        Mode mode = mode(settings);
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setUseScriptCache(true);
        // Redisson's references (an RObject stored as a value, read back as a live object): enrollflow stores only text,
        // and with references on every script argument and every reply goes through a row of interface type checks
        // (a measurable share of the workers' CPU in the bench's profile)
        config.setReferenceEnabled(false);
        // Redisson's default of 32 event-loop threads spreads a handful of round trips per task over idle threads,
        // each hand-off a context switch; one per core keeps up (bench/run.sh) with less CPU and memory
        config.setNettyThreads(nettyThreads());
        // the pool for Redisson's listeners, topics and executor services, none of which enrollflow uses (its calls are
        // synchronous, answered on the event loop): a thread or two, not the default 16
        config.setThreads(2);
        switch (mode) {
            case SINGLE -> {
                var single = config.useSingleServer().setAddress(withoutUserInfo(settings.url()))
                        .setConnectionPoolSize(pool)
                        .setConnectionMinimumIdleSize(minimumIdle);
                tune(single);
                credentials(settings.url(), single);
            }
            case SENTINEL -> {
                var sentinel = config.useSentinelServers().setMasterName(settings.masterName())
                        // one sentinel is a poor setup but a working one: Redisson would refuse it at start-up
                        .setCheckSentinelsList(false);
                addresses(settings, settings.sentinels()).forEach(sentinel::addSentinelAddress);
                tune(masterOnly(sentinel, pool, minimumIdle));
                auth(settings, sentinel);
            }
            case CLUSTER -> {
                RedisKeys keys = RedisKeys.from(settings);
                if (!keys.isHashTagged()) {
                    throw new ConfigException(RedisKeys.NAMESPACE_KEY, "\"" + keys.namespace() + "\" is not a hash tag;"
                            + " on Redis Cluster (" + CLUSTER_NODES + ") every key must fall in one slot: use a hash tag"
                            + " such as {" + keys.namespace().replaceAll("[{}]", "") + "}");
                }
                if (!keys.queueSharesTheSlot()) {
                    throw new ConfigException(RedisKeys.QUEUE_KEY, "\"" + keys.queue() + "\" is not in the namespace's"
                            + " Cluster slot; on Redis Cluster the queue must carry the namespace's hash tag (leave it empty"
                            + " for " + keys.namespace() + ":tasks)");
                }
                var cluster = config.useClusterServers();
                addresses(settings, settings.clusterNodes()).forEach(cluster::addNodeAddress);
                tune(masterOnly(cluster, pool, minimumIdle));
                auth(settings, cluster);
            }
            default -> throw new IllegalStateException("unknown mode " + mode);
        }
        return config;
    }

    /**
     * Sentinel and Cluster: every command goes to the primary. Redisson reads from replicas by default, which would
     * show a status a moment old right after enrollflow wrote it; replicas are there to take over, not to serve reads.
     */
    private static <T extends BaseMasterSlaveServersConfig<T>> T masterOnly(T config, int pool, int minimumIdle) {
        return config.setReadMode(ReadMode.MASTER)
                .setSubscriptionMode(SubscriptionMode.MASTER)
                .setMasterConnectionPoolSize(pool)
                .setMasterConnectionMinimumIdleSize(minimumIdle)
                // no reads go to replicas: keep one connection each, not Redisson's 24
                .setSlaveConnectionMinimumIdleSize(1)
                .setSlaveConnectionPoolSize(2);
    }

    /** Redisson's event loops: one per core (at least two), whatever the concurrency; they only move bytes. */
    static int nettyThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The connection pool, sized to the concurrency instead of Redisson's 64: each worker holds one connection while
     * it blocks in BLMOVE and at most one more for its own call (never both at once: its calls are synchronous);
     * the other commands share connections (Redisson pipelines them), and {@link #BACKGROUND_CONNECTIONS} serve
     * recovery, the retry mover, the console and the metrics.
     */
    static int poolSize(int blockingUse) {
        return blockingUse + BACKGROUND_CONNECTIONS;
    }

    /**
     * Connections kept open before the workers need them: a few, so the first fetches and the first task's scripts find
     * theirs ready (no connect on the pickup path). The workers' blocking fetches open theirs on demand, up to
     * {@link #poolSize}; others close after Redisson's idle timeout. Each open connection costs a ping every 30 s:
     * Redisson's default of 24 would cost more than the fetches.
     */
    static int minimumIdle(int blockingUse) {
        return Math.min(blockingUse, 2) + 2;
    }

    private static <T extends BaseConfig<T>> void tune(T config) {
        config.setRetryAttempts(RETRY_ATTEMPTS)
                // a constant delay, not the default jittered one: Redisson ticks its timeout wheel at a fraction of the
                // first retry delay, so a random one (e.g. 743 ms) makes it wake every 21 ms even on an idle worker;
                // 1 s gives 100 ms ticks
                .setRetryDelay(new ConstantDelay(RETRY_DELAY))
                .setTimeout((int) TIMEOUT.toMillis())
                .setConnectTimeout(5_000);
    }

    /**
     * The one server's address without its user info: Redisson writes the address it connects to in its own lines
     * ({@code addr=redis://...} at DEBUG), so the password it needs goes in as a setting ({@link #credentials}).
     */
    static String withoutUserInfo(String url) {
        int at = userInfoEnd(url);
        return at < 0 ? url : url.substring(0, url.indexOf("://") + 3) + url.substring(at + 1);
    }

    /** The {@code @} that ends the URL's user info (the authority's last), or -1 when it has none. */
    private static int userInfoEnd(String url) {
        int start = url.indexOf("://") + 3;
        int authorityEnd = start;
        while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int at = url.lastIndexOf('@', authorityEnd - 1);
        return at < start ? -1 : at;
    }

    /**
     * The user and password of the one server's URL as Redisson itself reads them ({@code redis://:secret@host} or
     * {@code redis://user:secret@host}, percent-decoded; a user info without {@code :} is a password), set on its
     * configuration rather than left in the address. Never logged.
     */
    private static void credentials(String url, SingleServerConfig config) {
        int at = userInfoEnd(url);
        if (at < 0) {
            return;
        }
        String[] parts = url.substring(url.indexOf("://") + 3, at).split(":", 2);
        if (parts.length == 1) {
            config.setPassword(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
        } else {
            if (!parts[0].isEmpty()) {
                config.setUsername(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
            }
            config.setPassword(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
    }

    /** The password of the Sentinel or Cluster nodes (the one server's is in its URL). Never logged. */
    private static <T extends BaseConfig<T>> void auth(RedisSettings settings, T config) {
        String password = settings.password();
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
    }

    /** The {@code host:port} entries of a list setting (checked there) as Redisson addresses, {@code rediss://} with TLS on. */
    static List<String> addresses(RedisSettings settings, List<String> entries) {
        String scheme = settings.tls() ? "rediss://" : "redis://";
        return entries.stream().map(entry -> scheme + entry).toList();
    }
}

package io.enrollflow.redis;

import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What enrollflow checks of its Redis at start-up (docs/contract.md §13): a primary that may evict keys
 * ({@code maxmemory-policy} other than {@code noeviction}) loses tasks and statuses without a trace, and one that
 * persists nothing (no AOF, no RDB {@code save} rule) loses everything on a restart. Both are warnings, not errors:
 * an operator may accept them (a cache-only Redis in a trial). Where {@code CONFIG GET} is refused (managed Redis
 * services rename or forbid it), one line says so and start-up goes on.
 */
public final class RedisStartupChecks {

    private static final Logger LOG = LogManager.getLogger(RedisStartupChecks.class);

    private RedisStartupChecks() {
    }

    /**
     * Reads the settings of every primary and logs a WARN for each risk found. Returns the lines logged at WARN (what
     * tests look at). Never throws: a Redis that cannot be asked leaves start-up alone.
     */
    public static List<String> run(RedissonClient redis, RedisConnection.Mode mode) {
        List<String> warnings = new ArrayList<>();
        Collection<? extends RedisNode> primaries;
        try {
            primaries = switch (mode) {
                case SINGLE -> List.of(redis.getRedisNodes(RedisNodes.SINGLE).getInstance());
                case SENTINEL -> List.of(redis.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
                case CLUSTER -> redis.getRedisNodes(RedisNodes.CLUSTER).getMasters();
            };
        } catch (RuntimeException e) {
            // Redis is not reachable yet: the runtime starts anyway (it connects when Redis is back)
            Event.info(LOG).stage("startup").outcome("redis-not-checked").error(e.getMessage())
                    .note("Redis settings not checked").log();
            return warnings;
        }
        for (RedisNode node : primaries) {
            String where = node.getAddr().getHostString() + ":" + node.getAddr().getPort();
            Map<String, String> config;
            try {
                config = new HashMap<>(node.getConfig("maxmemory-policy"));
                config.putAll(node.getConfig("appendonly"));
                config.putAll(node.getConfig("save"));
            } catch (RedisConnectionException | RedisTimeoutException e) {
                Event.info(LOG).stage("startup").outcome("redis-not-checked").kv("node", where).error(e.getMessage())
                        .note("Redis settings not checked").log();
                continue;
            } catch (RedisException e) {
                warn(warnings, Event.warn(LOG).stage("startup").outcome("redis-config-refused").kv("node", where)
                        .error(e.getMessage()).note("CONFIG GET is refused here (managed Redis?): make sure yourself"
                                + " that maxmemory-policy is noeviction and that AOF or RDB persistence is on"));
                return warnings;
            }
            String policy = config.getOrDefault("maxmemory-policy", "");
            if (!policy.isEmpty() && !"noeviction".equals(policy)) {
                warn(warnings, Event.warn(LOG).stage("startup").outcome("redis-may-evict").kv("node", where)
                        .kv("setting", "maxmemory-policy").kv("value", policy)
                        .note("Redis may evict enrollflow's keys and lose tasks; set maxmemory-policy noeviction"));
            }
            boolean aof = "yes".equals(config.getOrDefault("appendonly", ""));
            boolean rdb = !config.getOrDefault("save", "").isBlank();
            if (!aof && !rdb) {
                warn(warnings, Event.warn(LOG).stage("startup").outcome("redis-not-persisted").kv("node", where)
                        .kv("setting", "appendonly,save").kv("value", "no,\"\"")
                        .note("Redis persists nothing: a restart of it loses every task; turn on appendonly (AOF) or a"
                                + " save rule (RDB)"));
            }
        }
        return warnings;
    }

    private static void warn(List<String> warnings, Event line) {
        warnings.add(line.text());
        line.log();
    }
}

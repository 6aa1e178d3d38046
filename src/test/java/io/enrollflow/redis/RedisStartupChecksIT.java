package io.enrollflow.redis;

import io.enrollflow.testing.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §13: start-up warns, naming the setting, when Redis may evict keys or persists nothing; a refused CONFIG is said once. */
class RedisStartupChecksIT {

    @TempDir
    Path dir;

    @Test
    void anEvictingRedisThatPersistsNothingGetsTwoWarningsNamingTheSettings() {
        List<String> warnings = checks("maxmemory-policy allkeys-lru");

        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("setting=maxmemory-policy value=allkeys-lru"), warnings.get(0));
        assertTrue(warnings.get(1).contains("setting=appendonly,save"), warnings.get(1));
    }

    @Test
    void aRedisThatKeepsKeysAndWritesAnAppendOnlyFileGetsNoWarning() {
        assertEquals(List.of(), checks("appendonly yes"));
    }

    @Test
    void aRedisThatRefusesConfigIsSaidOnceAndStartUpGoesOn() {
        List<String> warnings = checks("rename-command CONFIG \"\"");

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("outcome=redis-config-refused"), warnings.get(0));
        assertTrue(warnings.get(0).contains("maxmemory-policy is noeviction"), warnings.get(0));
    }

    private List<String> checks(String... config) {
        try (RedisProcess server = RedisProcess.start(dir, false, config)) {
            Config client = new Config();
            client.setCodec(StringCodec.INSTANCE);
            client.useSingleServer().setAddress("redis://" + server.hostPort());
            RedissonClient redis = Redisson.create(client);
            try {
                return RedisStartupChecks.run(redis, RedisConnection.Mode.SINGLE);
            } finally {
                redis.shutdown();
            }
        }
    }
}

package io.enrollflow.redis;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §1: enrollflow.redis.namespace starts every key; the queue follows it unless named. */
class RedisKeysTest {

    @TempDir
    Path tmp;

    @Test
    void defaultNamespaceKeepsTheContractsKeyNames() throws IOException {
        RedisKeys keys = RedisKeys.from(settings(Map.of()));

        assertEquals("enrollflow:tasks", keys.queue());
        assertEquals("enrollflow:task:39", keys.task("39"));
        assertEquals("enrollflow:task:39:history", keys.history("39"));
    }

    @Test
    void everyKeyStartsWithTheNamespace() throws IOException {
        RedisKeys keys = RedisKeys.from(settings(Map.of("ENROLLFLOW_REDIS_NAMESPACE", "{shop-b}")));

        for (String key : new String[] {keys.queue(), keys.task("1"), keys.history("1"), keys.claim("1"),
                keys.processing("i"), keys.heartbeat("i"), keys.instances(), keys.retries(), keys.deadLetters(),
                keys.deadLetterIndex(), keys.deadLetterPayloads(), keys.intakePaused(), keys.invalidSequence(),
                keys.deadLetterIndex("enroll", null), keys.deadLetterIndex(null, "poison"),
                keys.deadLetterIndex("enroll", "poison"), keys.deadLetterReasonPrefix(), keys.deadLetterStagePrefix(),
                keys.deadLetterStageReasonPrefix(), keys.deadLetterIndexesBuilt(), keys.claimSequence(),
                keys.enrollRateLog(), keys.downloadPermits(), keys.uploadLog(), keys.uploadBytes(), keys.uploadTotal(),
                keys.drivePause()}) {
            assertTrue(key.startsWith("{shop-b}:"), key);
        }
        assertEquals("{shop-b}:tasks", keys.queue());
    }

    @Test
    void eachDeadLetterFilterHasItsIndexAndTheScriptsPrefixesBuildTheSameNames() {
        RedisKeys keys = new RedisKeys("{shop-b}", null);

        assertEquals(keys.deadLetterIndex(), keys.deadLetterIndex(null, null));
        assertEquals(keys.deadLetterReasonPrefix() + "poison", keys.deadLetterIndex(null, "poison"));
        assertEquals(keys.deadLetterStagePrefix() + "enroll", keys.deadLetterIndex("enroll", null));
        assertEquals(keys.deadLetterStageReasonPrefix() + "enroll:poison", keys.deadLetterIndex("enroll", "poison"));
        assertEquals("{shop-b}:dead-letters:stage-reason:enroll:poison", keys.deadLetterIndex("enroll", "poison"));
    }

    @Test
    void aNamedQueueIsTakenAsItIs() throws IOException {
        RedisKeys keys = RedisKeys.from(settings(Map.of("ENROLLFLOW_REDIS_NAMESPACE", "shop-b",
                "ENROLLFLOW_QUEUE_KEY", "orders:paid")));

        assertEquals("orders:paid", keys.queue());
        assertEquals("shop-b:task:7", keys.task("7"));
    }

    @Test
    void aNamespaceWithSpacesOrGlobCharactersIsRefused() throws IOException {
        for (String bad : new String[] {"a b", "shop*", "x?"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RedisKeys.from(settings(Map.of("ENROLLFLOW_REDIS_NAMESPACE", bad))));
            assertTrue(e.getMessage().startsWith("enrollflow.redis.namespace: "), e.getMessage());
        }
    }

    private RedisSettings settings(Map<String, String> env) throws IOException {
        Path file = tmp.resolve("application.properties");
        Files.writeString(file, "");
        return RedisSettings.from(Settings.load(file, env));
    }
}

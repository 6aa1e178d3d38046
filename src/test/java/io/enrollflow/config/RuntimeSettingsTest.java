package io.enrollflow.config;

import io.enrollflow.runtime.EnrollflowRuntime;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/contract.md §1: every setting is parsed once into its record, its default comes from application.properties and from
 * nowhere else, and a bad value stops start-up with one line naming its key.
 */
class RuntimeSettingsTest {

    /** Keys for which every value is acceptable (free text, an optional secret, an optional list of names). */
    private static final Set<String> ANY_VALUE = Set.of("enrollflow.redis.password", "enrollflow.queue.key",
            "enrollflow.task.allowed-hosts", "enrollflow.enroll.token");

    /** One bad value per key. A new setting fails {@link #everySettingHasABadValueHereOrTakesAnyValue} until listed. */
    private static final Map<String, String> BAD = new LinkedHashMap<>();

    static {
        BAD.put("enrollflow.redis.url", "http://127.0.0.1:6379");
        BAD.put("enrollflow.redis.sentinels", "127.0.0.1");
        BAD.put("enrollflow.redis.master-name", "");
        BAD.put("enrollflow.redis.cluster-nodes", "host:99999");
        BAD.put("enrollflow.redis.tls", "maybe");
        BAD.put("enrollflow.redis.wait-replicas", "17");
        BAD.put("enrollflow.redis.wait-timeout", "0ms");
        BAD.put("enrollflow.redis.namespace", "a b");
        BAD.put("enrollflow.worker.concurrency", "0");
        BAD.put("enrollflow.worker.shutdown-timeout", "soon");
        BAD.put("enrollflow.queue.poll-timeout", "61s");
        BAD.put("enrollflow.queue.recovery-timeout", "30");
        BAD.put("enrollflow.queue.max-deliveries", "0");
        BAD.put("enrollflow.enroll.url", "ftp://backend/enroll");
        BAD.put("enrollflow.enroll.timeout", "1y");
        BAD.put("enrollflow.enroll.already-enrolled-pattern", "(");
        BAD.put("enrollflow.enroll.rate-limit", "10 per second");
        BAD.put("enrollflow.enroll.rate-limit-margin", "2m");
        BAD.put("enrollflow.download.command", "dl 'unclosed");
        BAD.put("enrollflow.download.work-dir", "");
        BAD.put("enrollflow.download.quality", "0");
        BAD.put("enrollflow.download.timeout", "-1s");
        BAD.put("enrollflow.download.keep", "maybe");
        BAD.put("enrollflow.download.not-enrolled-pattern", "[");
        BAD.put("enrollflow.download.nice", "20");
        BAD.put("enrollflow.download.max-concurrent", "-1");
        BAD.put("enrollflow.delivery.target", "ftp");
        BAD.put("enrollflow.delivery.folder", "");
        BAD.put("enrollflow.delivery.overlap", "sometimes");
        BAD.put("enrollflow.delivery.overlap-quiet-period", "10ms");
        BAD.put("enrollflow.drive.service-account-key", "");
        BAD.put("enrollflow.drive.credentials", "/keys/drive-credentials.json"); // beside the key: one of the two
        BAD.put("enrollflow.drive.delegate", "not-an-email");
        BAD.put("enrollflow.drive.parent-folder-id", "");
        BAD.put("enrollflow.drive.folder-name", "${password}");
        BAD.put("enrollflow.drive.share-role", "owner");
        BAD.put("enrollflow.drive.notify", "maybe");
        BAD.put("enrollflow.drive.root-url", "ftp://proxy/");
        BAD.put("enrollflow.drive.parallel-uploads", "33");
        BAD.put("enrollflow.drive.connect-timeout", "0s");
        BAD.put("enrollflow.drive.read-timeout", "0s");
        BAD.put("enrollflow.drive.chunk-size-kib", "100");
        BAD.put("enrollflow.drive.retry-initial-interval", "0s");
        BAD.put("enrollflow.drive.retry-max-elapsed", "0s");
        BAD.put("enrollflow.drive.max-upload-per-day", "lots");
        BAD.put("enrollflow.retry.max-attempts", "0");
        BAD.put("enrollflow.retry.initial-delay", "abc");
        BAD.put("enrollflow.retry.multiplier", "0.5");
        BAD.put("enrollflow.retry.max-delay", "10");
        BAD.put("enrollflow.retry.mover-period", "10ms");
        BAD.put("enrollflow.status.history-size", "0");
        BAD.put("enrollflow.dead-letter.warn-size", "-1");
        BAD.put("enrollflow.status.retention", "500ms");
        BAD.put("enrollflow.download.log-retention", "0s");
        BAD.put("enrollflow.download.failed-retention", "lots");
        BAD.put("enrollflow.download.min-free", "plenty");
        BAD.put("enrollflow.deadletter.max-age", "0s");
        BAD.put("enrollflow.deadletter.max-records", "0");
        BAD.put("enrollflow.status.callback-url", "ftp://backend/hooks/${taskId}");
        BAD.put("enrollflow.status.callback-attempts", "0");
        BAD.put("enrollflow.status.callback-timeout", "x");
        BAD.put("enrollflow.management.port", "70000");
        BAD.put("enrollflow.management.host", "");
        BAD.put("enrollflow.management.token", "short");
        BAD.put("enrollflow.management.read-token", "change-me-change-me-change-me");
        BAD.put("enrollflow.console.session-timeout", "10s");
        BAD.put("enrollflow.management.wrong-tokens-per-minute", "0");
        BAD.put("enrollflow.tracing.enabled", "sometimes");
        BAD.put("enrollflow.tracing.endpoint", "collector:4318");
        BAD.put("enrollflow.tracing.service-name", "");
        BAD.put("enrollflow.log.format", "xml");
    }

    @Test
    void theRecordsBuiltFromApplicationPropertiesAloneHoldTheDocumentedDefaults() {
        RuntimeSettings parsed = RuntimeSettings.from(folderDelivery(Map.of()));

        assertEquals(new RedisSettings("redis://127.0.0.1:6379", List.of(), "mymaster", List.of(), "", false, 0,
                Duration.ofMillis(500), "enrollflow", ""), parsed.redis());
        assertEquals(new QueueSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30), 5),
                parsed.queue());
        assertEquals(new TaskSettings(Set.of(), 720), parsed.task());
        assertEquals(URI.create("http://localhost:3000/api/v1/enroll"), parsed.enrollment().url());
        assertEquals("", parsed.enrollment().token());
        assertEquals(Duration.ofSeconds(60), parsed.enrollment().timeout());
        assertEquals("(?i)already enrolled", parsed.enrollment().alreadyEnrolled().pattern());
        assertEquals(Path.of("./work"), parsed.download().workDir());
        assertEquals(Duration.ofHours(4), parsed.download().timeout());
        assertFalse(parsed.download().keep());
        assertEquals("(?i)are you enrolled", parsed.download().notEnrolled().pattern());
        assertEquals(new RetrySettings(5, Duration.ofSeconds(10), 2, Duration.ofMinutes(10), Duration.ofSeconds(1)), parsed.retry());
        assertEquals(new StatusSettings(50, 10_000, Duration.ofDays(90), Duration.ofDays(180), 10_000), parsed.status());
        assertEquals(new CallbackSettings("", 3, Duration.ofSeconds(5)), parsed.callback());
        assertEquals(new ManagementSettings(8081, "127.0.0.1", "", "", Duration.ofHours(8), 10), parsed.management());
        assertNull(parsed.limits().enrollRate());
        assertEquals(new LimitSettings(null, Duration.ofMillis(100), 0, 0, ""), parsed.limits());
        assertEquals(DeliverySettings.Target.DRIVE, DeliverySettings.from(defaults(Map.of())).target());
        assertEquals(Path.of("./delivered"), DeliverySettings.from(defaults(Map.of())).folder());
        assertTrue(DeliverySettings.from(defaults(Map.of())).overlap());
        assertEquals(Duration.ofSeconds(5), DeliverySettings.from(defaults(Map.of())).quietPeriod());
    }

    /**
     * A default written in Java would hide a key left out of application.properties: emptied, every key whose
     * documented default is not empty must stop start-up naming itself (in the setup where it is read).
     */
    @Test
    void aKeyEmptiedOrLeftOutHasNoDefaultInJava() {
        List<String> silent = new ArrayList<>();
        for (String key : bundledKeys()) {
            if (bundled().getProperty(key).isEmpty()) {
                continue;
            }
            ConfigException error = parseError(key, "");
            if (error == null || !error.key().equals(key)) {
                silent.add(key + (error == null ? " (accepted)" : " (" + error.getMessage() + ")"));
            }
        }
        assertEquals(List.of(), silent, "emptied, these keys fell back on something other than application.properties");
    }

    @Test
    void everyBadValueStopsStartUpWithOneLineNamingItsKey() {
        BAD.forEach((key, value) -> {
            ConfigException error = parseError(key, value);
            if (error == null) {
                fail(key + "=" + value + " was accepted");
            }
            assertEquals(key, error.key(), key + "=" + value + ": " + error.getMessage());
            assertTrue(error.getMessage().startsWith(key + ": "), error.getMessage());
            assertFalse(error.getMessage().contains("\n"), "one line: " + error.getMessage());
        });
    }

    @Test
    void everySettingHasABadValueHereOrTakesAnyValue() {
        Set<String> covered = new TreeSet<>(BAD.keySet());
        covered.addAll(ANY_VALUE);

        assertEquals(bundledKeys(), covered, "application.properties' keys against this test's list");
    }

    @Test
    void theConfigurationDocListsEveryKeyWithItsDefaultFromApplicationProperties() throws IOException {
        String readme = Files.readString(Path.of("docs/configuration.md"));
        String section = readme.substring(readme.indexOf("| key | meaning | default |"));
        Map<String, String> table = new LinkedHashMap<>();
        for (String line : section.substring(0, section.indexOf("\n\n")).split("\n")) {
            if (line.startsWith("| `enrollflow.")) {
                String[] cells = line.split(" \\| ");
                table.put(cells[0].substring(3, cells[0].length() - 1), cells[cells.length - 1].replaceAll(" \\|$", ""));
            }
        }
        for (String key : bundledKeys()) {
            String value = bundled().getProperty(key);
            String shown = table.get(key);
            assertTrue(shown != null, key + " is missing from docs/configuration.md's table");
            assertTrue(value.isEmpty() ? shown.contains("empty") : shown.startsWith("`" + value + "`"),
                    key + ": docs/configuration.md says " + shown + ", application.properties " + value);
        }
        assertEquals(bundledKeys(), new TreeSet<>(table.keySet()), "docs/configuration.md lists a key application.properties lacks");
    }

    @Test
    void theRoutesGetTheParsedValuesNotTheTextAsWritten() {
        Settings settings = folderDelivery(Map.of("enrollflow.worker.concurrency", "  7 ", "enrollflow.queue.poll-timeout",
                "2s", "enrollflow.worker.shutdown-timeout", "1m"));

        Properties props = EnrollflowRuntime.routeProperties(settings, RedisSettings.from(settings),
                QueueSettings.from(settings));

        assertEquals("7", props.getProperty("enrollflow.worker.concurrency"));
        assertEquals("2000", props.getProperty("enrollflow.queue.poll-timeout.millis"));
        assertEquals("60000", props.getProperty("enrollflow.worker.shutdown-timeout.millis"));
        assertEquals("enrollflow:tasks", props.getProperty("enrollflow.queue.key"));
    }

    @Test
    void theRecordsNeverShowASecret() {
        Settings settings = defaults(Map.of("enrollflow.redis.password", "redis-secret-4c2e",
                "enrollflow.redis.url", "redis://:url-secret-9d1f@127.0.0.1:6379",
                "enrollflow.enroll.token", "enroll-secret-77a1", "enrollflow.management.token", "mgmt-secret-0a9b8c7d6e",
                "enrollflow.management.read-token", "read-secret-5f4e3d2c1b",
                "enrollflow.status.callback-url", "https://backend/hooks/${taskId}?token=cb-secret-1e2f"));
        String shown = RedisSettings.from(settings) + " " + RuntimeSettings.from(folderDelivery(Map.of(
                "enrollflow.enroll.token", "enroll-secret-77a1", "enrollflow.management.token", "mgmt-secret-0a9b8c7d6e",
                "enrollflow.management.read-token", "read-secret-5f4e3d2c1b",
                "enrollflow.status.callback-url", "https://backend/hooks/${taskId}?token=cb-secret-1e2f")));

        assertFalse(shown.contains("secret"), shown);
    }

    /**
     * The error start-up gives with the key set to the value, in the setup where the key is read: Drive's keys with
     * Drive delivery, the master name in Sentinel mode, the rest with folder delivery. Null when it starts.
     */
    private static ConfigException parseError(String key, String value) {
        Map<String, String> values = new LinkedHashMap<>();
        if (key.startsWith("enrollflow.drive.")) {
            values.put("enrollflow.delivery.target", "drive");
            values.put("enrollflow.drive.service-account-key", "/keys/sa.json");
            values.put("enrollflow.drive.parent-folder-id", "parent");
        } else if (key.equals("enrollflow.redis.master-name")) {
            values.put("enrollflow.redis.sentinels", "127.0.0.1:26379");
        }
        values.put(key, value);
        try {
            RuntimeSettings.from(folderDelivery(values));
            return null;
        } catch (ConfigException e) {
            return e;
        }
    }

    /** application.properties with what start-up needs (a download command, folder delivery) and the given values. */
    private static Settings folderDelivery(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("enrollflow.download.command", "dl ${courseUrl} ${taskDir}",
                "enrollflow.delivery.target", "folder"));
        all.putAll(values);
        return defaults(all);
    }

    /** The jar's copy of application.properties alone (no file, no environment), with the values. */
    private static Settings defaults(Map<String, String> values) {
        return Settings.bundled().with(values);
    }

    private static Properties bundled() {
        return Settings.bundled().asProperties();
    }

    /** enrollflow's keys (camel.* are Camel's own). */
    private static Set<String> bundledKeys() {
        Set<String> keys = new TreeSet<>();
        for (String key : bundled().stringPropertyNames()) {
            if (key.startsWith("enrollflow.")) {
                keys.add(key);
            }
        }
        return keys;
    }
}

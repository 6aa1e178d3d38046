package io.enrollflow.config;

import io.enrollflow.runtime.EnrollflowRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §1: where settings come from, which wins, and how a bad one is reported. */
class SettingsTest {

    @TempDir
    Path tmp;

    @Test
    void environmentVariableBeatsTheFile() throws Exception {
        Path file = properties("enrollflow.queue.key=from:file\n");

        Settings settings = Settings.load(file, Map.of("ENROLLFLOW_QUEUE_KEY", "from:env"));

        assertEquals("from:env", settings.text("enrollflow.queue.key"));
    }

    @Test
    void environmentVariableBeatsTheJarCopy() {
        Settings settings = Settings.load(properties(""), Map.of("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", "/keys/sa.json"));

        assertEquals("/keys/sa.json", settings.text("enrollflow.drive.service-account-key"));
    }

    @Test
    void configFileBeatsTheJarCopyAndKeepsItsOtherDefaults() {
        Settings settings = Settings.load(properties("enrollflow.enroll.timeout=5s\n"), Map.of());

        assertEquals(Duration.ofSeconds(5), settings.duration("enrollflow.enroll.timeout"));
        assertEquals("5", settings.text("enrollflow.retry.max-attempts"), "the jar copy's default");
    }

    @Test
    void environmentNameIsTheKeyUpperCasedWithDotsAndDashesAsUnderscores() {
        assertEquals("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", Settings.envName("enrollflow.drive.service-account-key"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "10m, PT10M", "4h, PT4H"})
    void durationsAreWrittenWithTheirUnit(String text, String expected) {
        assertEquals(Duration.parse(expected), Settings.parseDuration(text));
    }

    @Test
    void badDurationIsAConfigErrorNamingTheKey() {
        Settings settings = valid().with(Map.of("enrollflow.retry.initial-delay", "abc"));

        ConfigException error = assertThrows(ConfigException.class, () -> RuntimeSettings.from(settings));

        assertEquals("enrollflow.retry.initial-delay", error.key());
        assertTrue(error.getMessage().startsWith("enrollflow.retry.initial-delay"), error.getMessage());
        assertTrue(error.getMessage().contains("abc"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "99ms", "61s"})
    void aPollTimeoutOutOfRangeIsAConfigErrorNamingTheKey(String value) {
        // 0 would make BLMOVE block for ever (the worker could never stop); a stop waits up to the maximum
        Settings settings = valid().with(Map.of("enrollflow.queue.poll-timeout", value));

        ConfigException error = assertThrows(ConfigException.class, () -> RuntimeSettings.from(settings));

        assertEquals("enrollflow.queue.poll-timeout", error.key());
        assertTrue(error.getMessage().contains(value) && error.getMessage().contains("out of range"), error.getMessage());
    }

    @Test
    void aPollTimeoutWithinRangeIsTheQueueEndpointsOptionInMilliseconds() {
        Settings settings = valid().with(Map.of("enrollflow.queue.poll-timeout", "2s"));

        assertEquals("2000", EnrollflowRuntime.routeProperties(settings, RedisSettings.from(settings),
                QueueSettings.from(settings)).getProperty("enrollflow.queue.poll-timeout.millis"));
    }

    @Test
    void unknownDeliveryTargetIsAConfigErrorNamingTheKey() {
        Settings settings = valid().with(Map.of("enrollflow.delivery.target", "ftp"));

        ConfigException error = assertThrows(ConfigException.class, () -> RuntimeSettings.from(settings));

        assertEquals("enrollflow.delivery.target", error.key());
        assertTrue(error.getMessage().contains("ftp"), error.getMessage());
    }

    @Test
    void unknownPlaceholderInTheDownloadCommandIsAConfigErrorNamingTheKey() {
        Settings settings = valid().with(Map.of("enrollflow.download.command", "dl ${courseUrl} ${password}"));

        ConfigException error = assertThrows(ConfigException.class, () -> RuntimeSettings.from(settings));

        assertEquals("enrollflow.download.command", error.key());
        assertTrue(error.getMessage().contains("${password}"), error.getMessage());
    }

    @Test
    void missingDownloadCommandIsAConfigErrorNamingTheKey() {
        Settings settings = valid().with(Map.of("enrollflow.download.command", " "));

        ConfigException error = assertThrows(ConfigException.class, () -> RuntimeSettings.from(settings));

        assertEquals("enrollflow.download.command", error.key());
    }

    @Test
    void validTestSettingsPassTheStartUpChecks() {
        RuntimeSettings.from(valid());
    }

    @Test
    void unreadableConfigFileIsAConfigError() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> Settings.load(tmp.resolve("missing.properties"), Map.of()));

        assertEquals("--config", error.key());
    }

    /** The jar's defaults plus what start-up needs: a download command and folder delivery. */
    private Settings valid() {
        return Settings.load(properties(""), Map.of()).with(Map.of(
                "enrollflow.download.command", "dl ${courseUrl} ${taskDir}",
                "enrollflow.delivery.target", "folder"));
    }

    private Path properties(String text) {
        try {
            Path file = tmp.resolve("settings-" + System.nanoTime() + ".properties");
            Files.writeString(file, text);
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.enrollflow.console;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.ManagementSettings;
import io.enrollflow.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's settings are checked at start-up: a bad one stops it with one line naming the key. */
class ConsoleSettingsTest {

    private static Settings with(Map<String, String> values) {
        return Settings.load(null, Map.of()).with(values);
    }

    @Test
    void theDefaultsPass() {
        assertDoesNotThrow(() -> ManagementSettings.from(with(Map.of())));
    }

    @Test
    void aReadTokenEqualToTheManagementTokenStopsStartUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> ManagementSettings.from(with(Map.of(
                "enrollflow.management.token", "same-token-for-both-0123", "enrollflow.management.read-token", "same-token-for-both-0123"))));
        assertTrue(e.getMessage().contains("enrollflow.management.read-token"), e.getMessage());
    }

    @Test
    void aSessionTimeoutOutOfRangeOrUnreadableStopsStartUp() {
        for (String bad : new String[] {"10s", "31d", "soon"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ManagementSettings.from(with(Map.of("enrollflow.console.session-timeout", bad))), bad);
            assertTrue(e.getMessage().contains("enrollflow.console.session-timeout"), e.getMessage());
        }
    }
}

package io.enrollflow.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §10: the values the logging pipeline redacts, whichever logger writes them. */
class LogSettingsTest {

    @Test
    void theSecretsAreThePasswordsTokensAndTheSecretPartsOfUrlSettings() {
        Settings settings = Settings.bundled().with(Map.of(
                RedisSettings.URL, "redis://app:p%40ss@10.0.0.7:6379/0",
                RedisSettings.PASSWORD, "sentinel-pass",
                EnrollmentSettings.TOKEN, "enroll-tok-5b1e9c",
                ManagementSettings.TOKEN, "mgmt-tok-8d02aa-91c4",
                ManagementSettings.READ_TOKEN, "read-tok-77aa01",
                CallbackSettings.URL, "https://backend.example/cb?format=json&token=cb-secret-77e1#frag",
                LogSettings.FORMAT, "json"));

        LogSettings log = LogSettings.from(settings);

        assertEquals("json", log.format());
        for (String secret : List.of("app:p%40ss", "app:p@ss", "p%40ss", "p@ss", "sentinel-pass", "enroll-tok-5b1e9c",
                "mgmt-tok-8d02aa-91c4", "read-tok-77aa01", "cb-secret-77e1")) {
            assertTrue(log.secrets().contains(secret), secret + " in " + log.secrets().size() + " secrets");
        }
        assertFalse(log.secrets().contains("json"), "a short query value is a word, not a secret");
        assertFalse(log.secrets().contains(""));
        assertEquals("LogSettings[format=json, redacted=" + log.secrets().size() + " values]", log.toString());
    }

    @Test
    void aUrlThatDoesNotParseStillGivesItsSecrets() {
        assertEquals(List.of(":pa ss", ":pa ss", "pa ss", "pa ss"), LogSettings.urlSecrets("redis://:pa ss@h:6379"));
        assertEquals(List.of(), LogSettings.urlSecrets("http://localhost:3000/api/v1/enroll"));
    }
}

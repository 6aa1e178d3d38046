package io.enrollflow.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §12's settings: what each accepts, and one line naming the key for what it does not. */
class LimitSettingsTest {

    private static LimitSettings limits(Map<String, String> env) {
        return LimitSettings.from(Settings.load(null, env));
    }

    @Test
    void theDefaultsLimitNothing() {
        LimitSettings limits = limits(Map.of());

        assertNull(limits.enrollRate());
        assertEquals(0, limits.maxDownloads());
        assertEquals(0, limits.uploadBytesPerDay());
    }

    @Test
    void aRateIsCallsPerDuration() {
        LimitSettings limits = limits(Map.of("ENROLLFLOW_ENROLL_RATE_LIMIT", "600/1m"));

        assertEquals(600, limits.enrollRate().calls());
        assertEquals(Duration.ofMinutes(1), limits.enrollRate().window());
        assertEquals("600/1m", limits.enrollRate().toString());
    }

    @Test
    void theRatesMarginIsADurationUpToAMinute() {
        assertEquals(Duration.ofMillis(100), limits(Map.of()).enrollRateMargin());
        assertEquals(Duration.ZERO, limits(Map.of("ENROLLFLOW_ENROLL_RATE_LIMIT_MARGIN", "0ms")).enrollRateMargin());
        for (String bad : new String[] {"-1ms", "2m", "soon"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> limits(Map.of("ENROLLFLOW_ENROLL_RATE_LIMIT_MARGIN", bad)));
            assertTrue(e.getMessage().startsWith("enrollflow.enroll.rate-limit-margin: "), e.getMessage());
        }
    }

    @Test
    void sizesAreDecimalOrBinaryByTheirUnit() {
        assertEquals(700_000_000_000L, LimitSettings.bytes("700GB"));
        assertEquals(650L << 30, LimitSettings.bytes("650GiB"));
        assertEquals(1234L, LimitSettings.bytes("1234"));
    }

    @Test
    void aBadValueIsOneErrorNamingItsKey() {
        for (Map.Entry<String, String> bad : Map.of(
                "ENROLLFLOW_ENROLL_RATE_LIMIT", "10 per second",
                "ENROLLFLOW_DOWNLOAD_MAX_CONCURRENT", "-1",
                "ENROLLFLOW_DRIVE_MAX_UPLOAD_PER_DAY", "700 gigabytes").entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> limits(Map.of(bad.getKey(), bad.getValue())));
            String key = bad.getKey().toLowerCase().replace('_', '.').replace("rate.limit", "rate-limit")
                    .replace("max.concurrent", "max-concurrent").replace("max.upload.per.day", "max-upload-per-day");
            assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
        }
        assertThrows(ConfigException.class, () -> LimitSettings.rate("0/1s"));
        assertThrows(ConfigException.class, () -> LimitSettings.rate("5/1w"));
    }
}

package io.enrollflow.status;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The completions-per-minute key's minute, read from a written time without parsing it whole. */
class EpochMinuteTest {

    @Test
    void readsTheMinuteAsInstantParseWould() {
        for (String at : new String[] {"2026-12-01T14:53:10.123Z", "2026-12-01T14:53:59.999Z", "2024-02-29T23:59:00Z",
                "1970-01-01T00:00:00Z", "2000-03-01T00:01:00.001Z", "1969-12-31T23:59:30Z", "9999-12-31T23:59:59.999Z"}) {
            assertEquals(Math.floorDiv(Instant.parse(at).getEpochSecond(), 60), Transitions.epochMinute(at), at);
        }
    }

    @Test
    void agreesWithNowOverManyInstants() {
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (long millis = start; millis < start + 400L * 24 * 3600 * 1000; millis += 7_777_777L) {
            String at = Instant.ofEpochMilli(millis).toString();
            assertEquals(Math.floorDiv(millis, 60_000L), Transitions.epochMinute(at), at);
        }
    }

    @Test
    void aYearPastTheFixedFormatIsStillRead() {
        String at = "+10000-01-01T00:00:00Z";
        assertEquals(Instant.parse(at).getEpochSecond() / 60, Transitions.epochMinute(at));
    }
}

package io.enrollflow.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A task's optional queuedAt (docs/contract.md §2): an ISO-8601 time with offset, or epoch ms (or s); else ignored. */
class QueuedAtTest {

    private static final long AT = Instant.parse("2026-12-06T09:30:00.250Z").toEpochMilli();

    @Test
    void anIsoTimeWithItsOffsetIsRead() {
        assertEquals(AT, QueuedAt.millis("2026-12-06T09:30:00.250Z"));
        assertEquals(AT, QueuedAt.millis("2026-12-06T10:30:00.250+01:00"));
        assertEquals(AT - 250, QueuedAt.millis("2026-12-06T09:30:00Z"));
    }

    @Test
    void aNumberIsEpochMillisecondsOrBelow10To11EpochSeconds() throws Exception {
        assertEquals(AT, QueuedAt.millis(Long.toString(AT)));
        assertEquals(AT - 250, QueuedAt.millis(Long.toString((AT - 250) / 1000)));
        ObjectMapper json = new ObjectMapper();
        assertEquals(AT, QueuedAt.millis(json.readTree("{\"queuedAt\":" + AT + "}")));
        assertEquals(AT, QueuedAt.millis(json.readTree("{\"queuedAt\":" + AT / 1000.0 + "}")));
        assertEquals(AT, QueuedAt.millis(json.readTree("{\"queuedAt\":\"2026-12-06T09:30:00.250Z\"}")));
    }

    @Test
    void anythingElseIsIgnored() throws Exception {
        assertEquals(-1, QueuedAt.millis("yesterday"));
        assertEquals(-1, QueuedAt.millis("2026-12-06T09:30:00"), "no offset: whose local time?");
        assertEquals(-1, QueuedAt.millis(""));
        assertEquals(-1, QueuedAt.millis((String) null));
        ObjectMapper json = new ObjectMapper();
        assertEquals(-1, QueuedAt.millis(json.readTree("{\"taskId\":\"1\"}")));
        assertEquals(-1, QueuedAt.millis(json.readTree("{\"queuedAt\":-5}")));
        assertEquals(-1, QueuedAt.millis(json.readTree("{\"queuedAt\":[1]}")));
        assertEquals(-1, QueuedAt.millis(json.readTree("{\"queuedAt\":true}")));
    }
}

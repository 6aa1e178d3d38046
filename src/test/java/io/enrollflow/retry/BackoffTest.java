package io.enrollflow.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §7: exponential backoff with jitter. */
class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), 2, Duration.ofMinutes(10));

    @Test
    void delayGrowsByTheMultiplierFromTheInitialDelay() {
        assertEquals(Duration.ofSeconds(10), backoff.base(1));
        assertEquals(Duration.ofSeconds(20), backoff.base(2));
        assertEquals(Duration.ofSeconds(40), backoff.base(3));
        assertEquals(Duration.ofSeconds(80), backoff.base(4));
    }

    @Test
    void delayIsCappedAtTheMaximum() {
        assertEquals(Duration.ofMinutes(10), backoff.base(7));
        assertEquals(Duration.ofMinutes(10), backoff.base(1000));
    }

    @Test
    void jitterStaysWithinTwentyPercentAndNeverPassesTheMaximum() {
        for (int attempt = 1; attempt <= 10; attempt++) {
            long base = backoff.base(attempt).toMillis();
            for (int i = 0; i < 200; i++) {
                long delay = backoff.delay(attempt).toMillis();
                assertTrue(delay >= base * 0.8 - 1 && delay <= base * 1.2 + 1, attempt + ": " + delay + " vs " + base);
                assertTrue(delay <= Duration.ofMinutes(10).toMillis());
            }
        }
    }

    @Test
    void jitterSpreadsTasksThatFailedTogether() {
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(backoff.delay(2).toMillis());
        }
        assertTrue(delays.size() > 10, "delays: " + delays);
    }

    @Test
    void fractionalMultiplierGrowsGently() {
        Backoff gentle = new Backoff(Duration.ofMillis(1000), 1.5, Duration.ofSeconds(3));

        assertEquals(Duration.ofMillis(1500), gentle.base(2));
        assertEquals(Duration.ofMillis(2250), gentle.base(3));
        assertEquals(Duration.ofSeconds(3), gentle.base(4));
    }
}

package io.enrollflow.management;

import io.enrollflow.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allowance of wrong tokens per address, on a clock the test moves: ten at once, then one every six seconds, each
 * address on its own; the log gets a line as refusals begin and one a minute with the counts, never one per token.
 */
class WrongTokensTest {

    @RegisterExtension
    final LogCapture log = new LogCapture();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WrongTokens wrongTokens = new WrongTokens(10, now::get);

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private long lines() {
        return log.text().lines().filter(l -> l.contains("outcome=wrong-tokens")).count();
    }

    @Test
    void tenWrongTokensAreAllowedThenTheAddressWaitsSixSecondsPerTry() {
        for (int i = 0; i < 9; i++) {
            wrongTokens.wrong("10.0.0.1");
            assertEquals(0, wrongTokens.retryAfterSeconds("10.0.0.1"), "after " + (i + 1));
        }
        wrongTokens.wrong("10.0.0.1");
        assertEquals(6, wrongTokens.retryAfterSeconds("10.0.0.1"));
        assertEquals(0, wrongTokens.retryAfterSeconds("10.0.0.2"), "another address has its own allowance");

        advanceSeconds(4);
        assertEquals(2, wrongTokens.retryAfterSeconds("10.0.0.1"));
        advanceSeconds(2);
        assertEquals(0, wrongTokens.retryAfterSeconds("10.0.0.1"), "one more try after six seconds");
        wrongTokens.wrong("10.0.0.1");
        assertEquals(6, wrongTokens.retryAfterSeconds("10.0.0.1"));
    }

    @Test
    void refusalsAreLoggedOncePerAddressAndMinuteWithTheirCounts() {
        for (int i = 0; i < 60; i++) {
            if (wrongTokens.retryAfterSeconds("10.0.0.1") > 0) {
                wrongTokens.throttled("10.0.0.1");
            } else {
                wrongTokens.wrong("10.0.0.1");
            }
        }
        assertEquals(1, lines(), log.text());
        assertTrue(log.text().contains("remote=10.0.0.1 wrong=1 throttled=0"), log.text());

        wrongTokens.flush();
        assertEquals(1, lines(), "not again within the minute");
        advanceSeconds(60);
        wrongTokens.flush();
        assertEquals(2, lines(), log.text());
        assertTrue(log.text().contains("remote=10.0.0.1 wrong=9 throttled=50 since=60s"), log.text());

        advanceSeconds(120);
        wrongTokens.flush();
        assertEquals(2, lines(), "nothing new, nothing logged");
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() {
        for (int i = 0; i < 10; i++) {
            wrongTokens.wrong("2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertEquals(6, wrongTokens.retryAfterSeconds("2001:db8:1:2:ffff:ffff:ffff:ffff"), "the same /64");
        assertEquals(0, wrongTokens.retryAfterSeconds("2001:db8:1:3::1"), "the next /64 has its own allowance");
        assertTrue(log.text().contains("remote=2001:db8:1:2::/64"), log.text());
    }
}

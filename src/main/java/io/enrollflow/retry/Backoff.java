package io.enrollflow.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter (docs/contract.md §7): the delay after attempt n is
 * {@code initial × multiplier^(n-1)}, capped at {@code max}, then spread by ±20% so that tasks which failed together
 * (a backend outage) do not all come back in the same second. Pure; the schedule itself lives in Redis
 * ({@link RetrySchedule}), which is why no retry library is used: they wait in a thread, and a waiting task must not.
 */
public record Backoff(Duration initial, double multiplier, Duration max) {

    /** How much the delay is spread either way. */
    static final double JITTER = 0.2;

    /** The delay before the attempt after {@code attemptsMade}, without jitter. */
    public Duration base(int attemptsMade) {
        double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attemptsMade - 1));
        return Duration.ofMillis((long) Math.min(millis, max.toMillis()));
    }

    /** The delay with jitter, never above {@code max}. */
    public Duration delay(int attemptsMade) {
        long base = base(attemptsMade).toMillis();
        double spread = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofMillis(Math.min((long) (base * spread), max.toMillis()));
    }
}

package io.enrollflow.config;

import java.time.Duration;

/**
 * How transient failures are retried: the {@code enrollflow.retry.*} settings.
 *
 * @param maxAttempts  attempts in all, the first included
 * @param initialDelay the delay before the second attempt
 * @param multiplier   each further delay is the previous one times this
 * @param maxDelay     no delay is longer
 * @param moverPeriod  how often the retry mover puts due retries back on the queue (routes/retry-mover.camel.yaml)
 */
public record RetrySettings(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay,
                            Duration moverPeriod) {

    public static final String MAX_ATTEMPTS = "enrollflow.retry.max-attempts";
    public static final String INITIAL_DELAY = "enrollflow.retry.initial-delay";
    public static final String MULTIPLIER = "enrollflow.retry.multiplier";
    public static final String MAX_DELAY = "enrollflow.retry.max-delay";
    public static final String MOVER_PERIOD = "enrollflow.retry.mover-period";

    public static RetrySettings from(Settings settings) {
        return new RetrySettings(settings.integer(MAX_ATTEMPTS, 1, 1000), settings.duration(INITIAL_DELAY),
                settings.decimal(MULTIPLIER, 1, 100), settings.duration(MAX_DELAY),
                settings.duration(MOVER_PERIOD, Duration.ofMillis(100), Duration.ofHours(1)));
    }
}

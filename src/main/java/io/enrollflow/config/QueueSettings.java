package io.enrollflow.config;

import java.time.Duration;

/**
 * How this instance takes tasks from the queue and how the fleet takes up a dead instance's: the
 * {@code enrollflow.worker.*} and {@code enrollflow.queue.*} settings (the queue's key is {@link RedisSettings#queueKey()}).
 *
 * @param concurrency     tasks in flight at once (one consumer thread each)
 * @param shutdownTimeout on shutdown, how long in-flight tasks may take to finish
 * @param pollTimeout     how long one BLMOVE waits
 * @param recoveryTimeout a dead instance's tasks are taken up within this time
 * @param maxDeliveries   runs without a decision before a task is poison
 */
public record QueueSettings(int concurrency, Duration shutdownTimeout, Duration pollTimeout, Duration recoveryTimeout,
                            int maxDeliveries) {

    public static final String CONCURRENCY = "enrollflow.worker.concurrency";
    public static final String SHUTDOWN_TIMEOUT = "enrollflow.worker.shutdown-timeout";
    public static final String POLL_TIMEOUT = "enrollflow.queue.poll-timeout";
    public static final String RECOVERY_TIMEOUT = "enrollflow.queue.recovery-timeout";
    public static final String MAX_DELIVERIES = "enrollflow.queue.max-deliveries";

    /** The poll timeout's bounds: BLMOVE's 0 would block for ever, and a stop waits up to the maximum. */
    static final Duration POLL_TIMEOUT_MIN = Duration.ofMillis(100);
    static final Duration POLL_TIMEOUT_MAX = Duration.ofSeconds(60);

    public static QueueSettings from(Settings settings) {
        return new QueueSettings(settings.integer(CONCURRENCY, 1, 1000),
                settings.duration(SHUTDOWN_TIMEOUT),
                settings.duration(POLL_TIMEOUT, POLL_TIMEOUT_MIN, POLL_TIMEOUT_MAX),
                settings.duration(RECOVERY_TIMEOUT),
                settings.integer(MAX_DELIVERIES, 1, 1000));
    }
}

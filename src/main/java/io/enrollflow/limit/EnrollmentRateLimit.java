package io.enrollflow.limit;

import io.enrollflow.config.LimitSettings.Rate;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code enrollflow.enroll.rate-limit}: the fleet's enrollment calls within any window of the given length never
 * exceed the given number (docs/contract.md §12). The enroll route calls {@link #acquire} right before the HTTP call.
 * <p>
 * A sliding-window log (rate-limit.lua), not GCRA: GCRA limits the average rate and lets a full burst be followed by
 * the next call one emission interval later, so a window of the limit's length can hold N + 1 calls; the log holds
 * each granted call's time and grants a call only while the last window holds fewer than N, which is exactly the
 * promise. Its cost, one sorted-set member per call of the last window (600 for {@code 600/1m}), is small for the
 * rates an enrollment API is called at.
 */
public class EnrollmentRateLimit {

    private final LimitContext context;
    private final Rate rate;
    private final AtomicLong calls = new AtomicLong();
    private final String message;

    /** @param rate the limit; null = none, then {@link #acquire} returns at once */
    public EnrollmentRateLimit(LimitContext context, Rate rate) {
        this.context = context;
        this.rate = rate;
        this.message = rate == null ? "" : "waiting for the enrollment rate limit (" + rate + ")";
    }

    /** Returns when this run may call the enrollment API; see {@link LimitGate#pass} for the long wait. */
    public void acquire(Exchange exchange) {
        if (rate != null) {
            acquire(exchange.getProperty(TaskRun.PROPERTY, TaskRun.class));
        }
    }

    void acquire(TaskRun run) {
        long windowMicros = rate.window().toNanos() / 1_000;
        context.gate().pass(run, Limit.ENROLL_RATE, message, () -> context.scripts().integer(Script.RATE_LIMIT,
                List.of(context.keys().enrollRateLog()), rate.calls(), windowMicros,
                context.instanceId() + ":" + calls.incrementAndGet()));
    }
}

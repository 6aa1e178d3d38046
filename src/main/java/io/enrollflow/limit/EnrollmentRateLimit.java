package io.enrollflow.limit;

import io.enrollflow.config.LimitSettings.Rate;
import io.enrollflow.enroll.RateSlots;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskRun;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code enrollflow.enroll.rate-limit}: the fleet's enrollment calls within any window of the given length never
 * exceed the given number, counted where the enrollment API receives them (docs/contract.md §12). The enrollment
 * client takes a slot ({@link #take}) with its connection in hand, immediately before the request is written
 * ({@code enroll.SlotAtTheWire}): a slot booked earlier would be spent after the claim check, the request's
 * preparation and a wait for a pooled connection, and calls booked a window apart would reach the API closer
 * together. What is left is the time from the slot to the API's receipt, which varies by milliseconds (more on a
 * busy machine or a long network path): the log keeps every call {@code enrollflow.enroll.rate-limit-margin} longer
 * than the window, so that such variation does not let the API see more than the rate in any window of its length.
 * <p>
 * A sliding-window log (rate-limit.lua), not GCRA: GCRA limits the average rate and lets a full burst be followed by
 * the next call one emission interval later, so a window of the limit's length can hold N + 1 calls; the log holds
 * each granted call's time and grants a call only while the last window holds fewer than N, which is exactly the
 * promise. Its cost, one sorted-set member per call of the last window (600 for {@code 600/1m}), is small for the
 * rates an enrollment API is called at.
 */
public class EnrollmentRateLimit implements RateSlots {

    private final LimitContext context;
    private final Rate rate;
    /** The rate's window with the margin, in microseconds as rate-limit.lua counts. */
    private final long windowMicros;
    private final AtomicLong calls = new AtomicLong();
    private final String message;

    /**
     * @param rate   the limit; null = none, then every slot is free at once
     * @param margin {@code enrollflow.enroll.rate-limit-margin}: the log keeps each call for the window and this
     *               much more, so the calls a window may hold are that much further apart
     */
    public EnrollmentRateLimit(LimitContext context, Rate rate, Duration margin) {
        this.context = context;
        this.rate = rate;
        this.windowMicros = rate == null ? 0 : rate.window().plus(margin).toNanos() / 1_000;
        this.message = rate == null ? "" : "waiting for the enrollment rate limit (" + rate + ")";
    }

    /** One ask of rate-limit.lua: 0 when this call's slot is logged, else the milliseconds until one frees. */
    @Override
    public long take() {
        if (rate == null) {
            return 0;
        }
        return context.scripts().integer(Script.RATE_LIMIT, List.of(context.keys().enrollRateLog()), rate.calls(),
                windowMicros, context.instanceId() + ":" + calls.incrementAndGet());
    }

    /** The limits' wait ({@link LimitGate#pass}) around the enrollment call's tries. */
    @Override
    public void await(TaskRun run, LongSupplier attempt) {
        if (rate == null) {
            attempt.getAsLong();
        } else {
            context.gate().pass(run, Limit.ENROLL_RATE, message, attempt::getAsLong);
        }
    }
}

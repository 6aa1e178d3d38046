package io.enrollflow.limit;

import org.apache.camel.util.ObjectHelper;

import java.time.Duration;

/**
 * A task meets a fleet-wide limit that will not free up within a worker's in-place wait: the run stops here and
 * {@code pipeline.HoldBack} puts the task back in the retry schedule for {@link #waitFor()}, without using an attempt. Not a
 * failure of the task: it has no cause, and it is neither a {@code TransientTaskException} nor an {@code IOException}.
 */
public class LimitReachedException extends RuntimeException {

    private final Limit limit;
    private final Duration waitFor;

    public LimitReachedException(Limit limit, String message, Duration waitFor) {
        super(message, null, false, false);
        this.limit = limit;
        this.waitFor = waitFor;
    }

    public Limit limit() {
        return limit;
    }

    /** How long until the limit should let the task through (a guess for download permits). */
    public Duration waitFor() {
        return waitFor;
    }

    /** The limit in the exception's cause chain, or null. */
    public static LimitReachedException in(Throwable error) {
        return ObjectHelper.getException(LimitReachedException.class, error);
    }
}

package io.enrollflow.util;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * "Log once per outage": a loop that meets the same failure on every round (Redis unreachable, say) reports it when
 * it starts and when it ends, not once per round. Thread-safe: of several threads meeting the failure, one reports.
 * <pre>
 * try { work(); if (outage.over()) LOG.info("back"); }
 * catch (RedisException e) { if (outage.began()) LOG.warn("unreachable"); }
 * </pre>
 */
public final class Outage {

    private final AtomicBoolean down = new AtomicBoolean();

    /** Notes a failure; true only for the first one since the last success (the caller reports it). */
    public boolean began() {
        return down.compareAndSet(false, true);
    }

    /** Notes a success; true only for the first one after a failure (the caller reports the recovery). */
    public boolean over() {
        return down.compareAndSet(true, false);
    }
}

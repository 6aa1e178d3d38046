package io.enrollflow.delivery.drive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Drive's own limits, as the stand-in enforces them when a test or bench asks (both off by default):
 * <ul>
 *   <li>an account's upload bandwidth: the media bytes of every upload together, one token bucket, applied as the
 *       stand-in reads them (so a client's upload slows down as it would against a real account);</li>
 *   <li>a per-user create rate (files and folders: metadata creates, resumable starts, multipart uploads): a token
 *       bucket of {@code burst} creates refilled at {@code perSecond}; a create past it is answered
 *       {@code 403 userRateLimitExceeded}, as Drive answers it, and counted.</li>
 * </ul>
 */
final class StandInLimits {

    /** How far ahead of the rate received bytes may run after a pause: a small burst, so the rate holds over any second. */
    private static final long BANDWIDTH_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private volatile long bytesPerSecond;
    /** When the bytes received so far are paid for, at the bandwidth ({@link System#nanoTime()}). */
    private long paidUntil;

    private volatile double createsPerSecond;
    private int burst;
    private double tokens;
    private long refilledAt;
    private final AtomicInteger refused = new AtomicInteger();

    /** Media bytes per second for the whole account; 0: no limit. */
    synchronized void bandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.paidUntil = System.nanoTime();
    }

    /** Creates per second after a burst; a rate of 0: no limit. */
    synchronized void createRate(double perSecond, int burst) {
        this.createsPerSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    /** Holds the reading thread until {@code n} more bytes fit the bandwidth. */
    void received(long n) {
        long rate = bytesPerSecond;
        if (rate <= 0 || n <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            paidUntil = Math.max(paidUntil, now - BANDWIDTH_BURST_NANOS) + n * 1_000_000_000L / rate;
            wait = paidUntil - now;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** True when a create may go now (it takes a token); false when the rate refuses it (counted). */
    synchronized boolean mayCreate() {
        if (createsPerSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * createsPerSecond);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        refused.incrementAndGet();
        return false;
    }

    /** Creates refused by the rate so far. */
    int refused() {
        return refused.get();
    }
}

package io.enrollflow.status;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This instance as the fleet sees it (docs/contract.md §7): its id, and the epoch its heartbeat holds. Claims name their
 * owner as {@code <instance id> <epoch>}; a claim is alive while the owner's heartbeat holds that epoch. When a
 * heartbeat refresh finds the heartbeat lapsed (the instance stalled, or was cut off, long enough to be presumed
 * dead), the instance comes back under a new epoch: the claims of its old runs stay dead, and those runs are fenced.
 * <p>
 * The lease: how long after the start of the last heartbeat Redis accepted the instance may still trust it. Once
 * that lifetime has passed (a stall: the JVM was stopped, the machine frozen), the instance may already have been
 * presumed dead, so its runs must not start a download or an upload before the heartbeat says otherwise.
 */
public final class Membership {

    private final String instanceId;
    private volatile String epoch = newEpoch();
    /** System.nanoTime() at the start of the last heartbeat Redis accepted; 0 before the first. */
    private volatile long leaseFrom;
    private volatile long leaseNanos = Long.MAX_VALUE;
    /** Set from {@link #renew()} until the new epoch's first heartbeat: the runs of the old epoch are stopping. */
    private volatile boolean lapsed;
    private final AtomicLong generation = new AtomicLong();

    public Membership(String instanceId) {
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }

    /** The value this instance's heartbeat holds. */
    public String epoch() {
        return epoch;
    }

    /** How this instance's claims name their owner: {@code <instance id> <epoch>}. */
    public String owner() {
        return instanceId + " " + epoch;
    }

    /** A new epoch: the instance comes back after it was presumed dead (the heartbeat, {@code queue.Recovery}, says so). */
    public void renew() {
        lapsed = true;
        generation.incrementAndGet();
        epoch = newEpoch();
    }

    /** How many times this instance came back under a new epoch (0 until the first time). */
    public long generation() {
        return generation.get();
    }

    /** Redis accepted a heartbeat sent at {@code sentAt} (System.nanoTime()) that lives {@code lifetime}. */
    public void beat(long sentAt, Duration lifetime) {
        leaseNanos = lifetime.toNanos();
        leaseFrom = sentAt;
        lapsed = false;
    }

    /**
     * False when the last accepted heartbeat may have expired: then this instance may have been presumed dead and its
     * runs taken over; and while it comes back under a new epoch. True before the first heartbeat (nothing can have
     * been taken over yet).
     */
    public boolean leaseHeld() {
        long from = leaseFrom;
        return !lapsed && (from == 0 || System.nanoTime() - from < leaseNanos);
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}

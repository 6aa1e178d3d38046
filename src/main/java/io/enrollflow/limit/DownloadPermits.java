package io.enrollflow.limit;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskRun;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code enrollflow.download.max-concurrent}: downloads running at once in the whole fleet (docs/contract.md §12). Lifecycle
 * of a permit:
 * <ol>
 *   <li>{@link #acquire} before the download command starts: a lease in a sorted set scored by its expiry (Redis time,
 *       download-permit.lua), for as long as the instance's heartbeat lives;</li>
 *   <li>{@link #renew}, called with each heartbeat, pushes the expiry of every lease this instance holds;</li>
 *   <li>{@link Permit#close()} when the download ends, however it ends (done, failed, timed out, killed because the run
 *       was stopped or fenced), gives it back at once;</li>
 *   <li>a crashed instance renews nothing: its leases lapse with its heartbeat, within the recovery timeout, and the
 *       next acquire anywhere drops them.</li>
 * </ol>
 */
public class DownloadPermits {

    private static final Logger LOG = LogManager.getLogger(DownloadPermits.class);

    /** A held permit; closing it gives it back. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Permit NONE = () -> { };

    private final LimitContext context;
    private final int max;
    private final Duration lease;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final String message;

    /**
     * @param max   permits in the fleet; 0 = no limit, then {@link #acquire} hands out a permit that is no lease
     * @param lease how long a lease lives unrenewed: the heartbeat's TTL, so that it lapses with the heartbeat
     */
    public DownloadPermits(LimitContext context, int max, Duration lease) {
        this.context = context;
        this.max = max;
        this.lease = lease;
        this.message = "waiting for a download permit (" + max + " at once in the fleet)";
    }

    /** Returns a permit once one is free; see {@link LimitGate#pass} for the long wait. */
    public Permit acquire(TaskRun run) {
        if (max <= 0) {
            return NONE;
        }
        String member = context.instanceId() + "|" + run.taskId() + "|" + sequence.incrementAndGet();
        context.gate().pass(run, Limit.DOWNLOAD_PERMITS, message, () -> context.scripts().integer(Script.DOWNLOAD_PERMIT,
                List.of(context.keys().downloadPermits()), "acquire", max, lease.toMillis(), member) == 1 ? 0 : -1);
        held.add(member);
        return () -> release(run, member);
    }

    /**
     * Gives the permit back without waiting for Redis: the worker goes on with its task at once (bench/run.sh
     * --limits true). Once it is no longer renewed, a release that fails still ends with the lease's lapse.
     */
    private void release(TaskRun run, String member) {
        held.remove(member);
        var leases = context.redis().getScoredSortedSet(context.keys().downloadPermits(), StringCodec.INSTANCE);
        leases.removeAsync(member).whenComplete((removed, e) -> {
            if (e != null) {
                // Redis unreachable: the lease lapses within the heartbeat's TTL; the task's fate is whatever its
                // download decided
                Event.warn(LOG).task(run.taskId()).stage("download").outcome("permit-release-failed")
                        .note("the permit lapses within " + lease.toSeconds() + "s").error(e.getMessage()).log();
            }
        });
    }

    /** Renews this instance's leases; called with every heartbeat. Throws when Redis cannot be reached. */
    public void renew() {
        if (held.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>(List.of("renew", lease.toMillis()));
        args.addAll(held);
        context.scripts().integer(Script.DOWNLOAD_PERMIT, List.of(context.keys().downloadPermits()), args.toArray());
    }

    /** Permits held in the whole fleet (unexpired leases), without waiting for Redis (for a metrics scrape). */
    CompletableFuture<Long> inUseAsync() {
        return context.scripts().integerAsync(Script.DOWNLOAD_PERMIT, List.of(context.keys().downloadPermits()), "count")
                .toCompletableFuture();
    }

    /** This instance's leases, for tests. */
    Set<String> held() {
        return Set.copyOf(held);
    }
}

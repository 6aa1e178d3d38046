package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisConnection;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.Membership;
import io.enrollflow.task.TaskRun;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.OptionalOptions;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This instance's heartbeat (docs/contract.md §7), one refresh per {@link Recovery} period on the heartbeat's own thread:
 * {@code <ns>:instance:<id>} holds the instance's epoch for {@link #ttl()} (three periods), and the id is in
 * {@code <ns>:instances} (heartbeat.lua). Each refresh is one Redis call bounded to {@link #callTimeout()} (two periods)
 * with no client retries, so even the slowest refresh ends before the heartbeat it renews expires — which the client's
 * own slowest call ({@link RedisConnection#slowestCall()}, 23 s) would not. The instance's own load cannot hold it back:
 * the refresh goes through a Redis client nothing else uses ({@link RedisConnection#connectForHeartbeat}: one
 * connection, one event-loop thread). On the shared client it waited behind the workers' replies on busy event loops,
 * long enough to lose the lease while the instance was only busy.
 * <p>
 * A refresh is the authority: the heartbeat still holding this epoch means it never expired (only a refresh of that
 * same epoch writes it), so no claim of this instance was taken over, however long the lease looked lapsed here. One
 * that finds it gone (the instance stalled or was cut off long enough to be presumed dead, and may have been reaped)
 * fences every run in hand and registers again under a new epoch ({@link Membership}). A refresh that starts late or
 * takes long is logged, so a machine short of CPU shows before it costs the instance its runs.
 */
final class Heartbeat {

    /** Recovery's logger: these lines are part of its story. */
    private static final Logger LOG = LogManager.getLogger(Recovery.class);
    /** After fencing its runs, how long a heartbeat waits for them to stop before registering again. */
    private static final long FENCED_RUNS_STOP_MS = 10_000;

    private final RedissonClient redis;
    private final RedisKeys keys;
    private final Membership membership;
    private final InFlight inFlight;
    private final Duration period;
    /** This instance's details (JSON) for the console, written with each heartbeat; null = none. */
    private volatile String details;
    private boolean registered;
    /** System.nanoTime() at the start of the last refresh (heartbeat thread only); 0 before the first. */
    private long lastBeat;

    Heartbeat(RedissonClient redis, RedisKeys keys, Membership membership, InFlight inFlight, Duration period) {
        this.redis = redis;
        this.keys = keys;
        this.membership = membership;
        this.inFlight = inFlight;
        this.period = period;
    }

    /** How long a heartbeat lives without refresh: three periods, so a refresh that times out is survived. */
    Duration ttl() {
        return period.multipliedBy(3);
    }

    /**
     * The bound of one heartbeat call (no retries): two periods, less than {@link #ttl()}, so a heartbeat sent while
     * the last one still lives lands before it expires or fails in time for the next try.
     */
    Duration callTimeout() {
        return period.multipliedBy(2);
    }

    /** Sets the details (JSON: host, startedAt, concurrency) each heartbeat writes for the console. */
    void details(String json) {
        this.details = json;
    }

    /** One refresh (the first registers the instance); throws when Redis could not be told. */
    void beat() {
        long started = System.nanoTime();
        boolean held = refresh(!registered);
        late(started);
        if (!held) {
            comeBack("the heartbeat was gone when refreshed");
        }
        registered = true;
    }

    /**
     * Warns when a refresh began more than two periods after the last one, or took longer than a period: the heartbeat
     * lives three, so the instance came near being presumed dead (a machine short of CPU, a slow Redis).
     */
    private void late(long started) {
        long now = System.nanoTime();
        long since = lastBeat == 0 ? 0 : started - lastBeat;
        lastBeat = started;
        if (since > 2 * period.toNanos() || now - started > period.toNanos()) {
            Event.warn(LOG).stage("recovery").outcome("heartbeat-late")
                    .kv("seconds_since_last", Math.round(since / 1e7) / 100.0)
                    .kv("call_seconds", Math.round((now - started) / 1e7) / 100.0)
                    .kv("ttl_seconds", ttl().toMillis() / 1000.0)
                    .note("the machine or Redis is slow; past the ttl this instance is presumed dead").log();
        }
    }

    /**
     * This instance was (or may have been) presumed dead and its tasks taken over: its runs are fenced (they stop and
     * write nothing), and it registers again under a new epoch, so the old runs' claims stay dead.
     */
    private void comeBack(String why) {
        membership.renew();
        int fenced = inFlight.fenceAll();
        Event.warn(LOG).stage("recovery").outcome("presumed-dead").kv("why", why).kv("fenced_runs", fenced)
                .note("its runs stop and write nothing; it registers again").log();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FENCED_RUNS_STOP_MS);
        while (inFlight.runs().stream().anyMatch(TaskRun::fenced) && System.nanoTime() < deadline) {
            // the lease stays lapsed meanwhile: no fenced run sends anything to Drive or starts a stage
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        refresh(true);
    }

    /**
     * heartbeat.lua, bounded to {@link #callTimeout()} without client retries. Returns false when a refresh found the
     * heartbeat gone (nothing was written).
     */
    boolean refresh(boolean register) {
        long sentAt = System.nanoTime();
        RScript bounded = redis.getScript(OptionalOptions.defaults().codec(StringCodec.INSTANCE)
                .timeout(callTimeout()).retryAttempts(0));
        Long result = bounded.eval(RScript.Mode.READ_WRITE, Script.HEARTBEAT.source(), RScript.ReturnType.INTEGER,
                List.of(keys.heartbeat(membership.instanceId()), keys.instances(),
                        keys.instanceDetails(membership.instanceId())),
                membership.epoch(), ttl().toMillis(), membership.instanceId(), register ? "1" : "0",
                details == null ? "" : details);
        boolean written = result != null && result == 1;
        if (written) {
            membership.beat(sentAt, ttl());
        }
        return written;
    }
}

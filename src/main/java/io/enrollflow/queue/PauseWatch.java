package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue consumer's view of a paused intake ({@link IntakePause}: the key {@link RedisKeys#intakePaused()} exists):
 * a cached copy of the flag, shared by the instance's workers. When a fetch returns a task, the copy may be at most
 * {@link #PAUSE_CHECK_MS} old; a task received after a pause is put straight back at the consuming end of the queue
 * (requeue-orphan.lua), so every instance honours a pause within that time. Before a fetch a copy up to
 * {@link #IDLE_PAUSE_CHECK_MS} old will do ({@link #PAUSE_CHECK_MS} while paused, to see the resume): idle workers,
 * whose fetches return empty every poll timeout, then read the flag once in that time between them, not at each empty
 * fetch.
 */
final class PauseWatch {

    private static final Logger LOG = LogManager.getLogger(PauseWatch.class);
    /** How stale the cached flag may be when a task arrives (a paused loop looks again every fifth of it). */
    static final long PAUSE_CHECK_MS = 500;
    /**
     * How stale the copy may be before an empty queue is asked again: an idle instance reads the flag about this often
     * (so its log says "paused" within about this time), not at each worker's every empty fetch.
     */
    static final long IDLE_PAUSE_CHECK_MS = 5_000;

    private final RedissonClient redis;
    private final RBucket<String> flag;
    private final String instanceId;
    private final String none;
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile long checkedAt = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(PAUSE_CHECK_MS);

    PauseWatch(RedissonClient redis, RedisKeys keys, String instanceId) {
        this.redis = redis;
        this.flag = redis.getBucket(keys.intakePaused(), StringCodec.INSTANCE);
        this.instanceId = instanceId;
        this.none = keys.none();
    }

    /** Before a fetch: the flag, from a copy up to {@link #IDLE_PAUSE_CHECK_MS} old ({@link #PAUSE_CHECK_MS} while paused). */
    boolean pausedBeforeFetch() {
        return paused(paused.get() ? PAUSE_CHECK_MS : IDLE_PAUSE_CHECK_MS);
    }

    /** The flag, from a copy at most {@link #PAUSE_CHECK_MS} old. */
    boolean paused() {
        return paused(PAUSE_CHECK_MS);
    }

    /**
     * The flag, read from Redis when the cached value is older than {@code staleMillis}; while Redis is unreachable the
     * last value. The time of the read is set after its value: a worker that finds the cache fresh finds its value too
     * (two tasks arriving at once on two workers must both see a pause).
     */
    private boolean paused(long staleMillis) {
        long now = System.nanoTime();
        if (now - checkedAt >= TimeUnit.MILLISECONDS.toNanos(staleMillis)) {
            try {
                boolean value = flag.isExists();
                if (paused.getAndSet(value) != value) {
                    // said once per change, by the worker that saw it first
                    if (value) {
                        Event.info(LOG).stage("intake").outcome("paused").note("taking no tasks; in-flight ones finish")
                                .log();
                    } else {
                        Event.info(LOG).stage("intake").outcome("resumed").log();
                    }
                }
            } catch (RedisException e) {
                // unreachable: keep the last value; the fetch meets the outage and backs off
            }
            checkedAt = now;
        }
        return paused.get();
    }

    /**
     * A task a blocking fetch received after intake was paused goes back to the head of the queue, untouched (no claim
     * was made yet). Returns true when it was handed back; false to process it (not paused, or Redis failed: then it
     * is processed as if the pause came a moment later).
     */
    boolean handedBack(String raw, String processing, String queue) {
        // the cached flag: a fresh read here would cost a Redis round trip per task
        if (!paused()) {
            return false;
        }
        try {
            new RedisScripts(redis).integer(RedisScripts.Script.REQUEUE_ORPHAN, List.of(processing, queue, none), raw,
                    instanceId);
            Event.debug(LOG).stage("intake").outcome("handed-back").note("intake is paused").log();
            return true;
        } catch (RedisException e) {
            return false;
        }
    }
}

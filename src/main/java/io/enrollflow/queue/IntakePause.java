package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.StatusStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Pausing intake for the whole fleet ({@code intake pause|resume|status}, {@code POST /api/intake/pause|resume}): one
 * key in Redis, {@link RedisKeys#intakePaused()}, holding when it was paused. Every instance's queue consumer reads it
 * at most every 500 ms and takes no task while it exists; tasks in hand finish, retries still come due (they wait on
 * the queue). Nothing else stops: health stays UP, the API answers.
 */
public class IntakePause {

    private static final Logger LOG = LogManager.getLogger(IntakePause.class);

    /**
     * @param paused true while intake is paused
     * @param since  when it was paused (ISO-8601), null while running
     */
    public record State(boolean paused, String since) {

        public String word() {
            return paused ? "paused" : "running";
        }
    }

    private final RBucket<String> flag;

    public IntakePause(RedissonClient redis, RedisKeys keys) {
        this.flag = redis.getBucket(keys.intakePaused(), StringCodec.INSTANCE);
    }

    /** Pauses intake (again: keeps the first time); returns the state after. */
    public State pause() {
        if (flag.setIfAbsent(StatusStore.now())) {
            Event.info(LOG).stage("intake").outcome("pause-requested")
                    .note("every instance stops taking tasks within a second").log();
        }
        return state();
    }

    /** Resumes intake; returns the state after. */
    public State resume() {
        if (flag.delete()) {
            Event.info(LOG).stage("intake").outcome("resume-requested").log();
        }
        return state();
    }

    public State state() {
        String since = flag.get();
        return new State(since != null, since);
    }
}

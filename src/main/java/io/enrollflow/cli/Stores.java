package io.enrollflow.cli;

import io.enrollflow.config.Settings;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.redis.RedisConnection;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import org.redisson.api.RedissonClient;

/** The Redis stores an operator's sub-command works on, opened from the settings and closed after. */
final class Stores implements AutoCloseable {

    final RedissonClient redis;
    final RedisKeys keys;
    final StatusStore status;
    final DeadLetterStore deadLetters;

    Stores(Settings settings) {
        this.redis = RedisConnection.connect(settings.required("enrollflow.redis.url"), 1, false);
        this.keys = new RedisKeys(settings.required("enrollflow.queue.key"));
        RedisScripts scripts = new RedisScripts(redis);
        this.status = new StatusStore(redis, scripts, keys, settings.integer("enrollflow.status.history-size", 1, 10_000),
                "cli", settings.integer("enrollflow.queue.max-deliveries", 1, 1000));
        this.deadLetters = new DeadLetterStore(redis, scripts, keys, status,
                settings.integer("enrollflow.dead-letter.warn-size", 0, Integer.MAX_VALUE));
    }

    @Override
    public void close() {
        redis.shutdown();
    }
}

package io.enrollflow.cli;

import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.Settings;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.management.IntakePause;
import io.enrollflow.redis.RedisConnection;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.runtime.CallbackContext;
import io.enrollflow.status.StatusStore;
import org.redisson.api.RedissonClient;

/**
 * The Redis stores an operator's sub-command works on, opened from the settings and closed after. When
 * {@code enrollflow.status.callback-url} is set, the transitions a command makes (a replay's {@code queued}) are
 * POSTed too, and closing waits briefly for them to go out.
 */
final class Stores implements AutoCloseable {

    final RedissonClient redis;
    final RedisKeys keys;
    final StatusStore status;
    final DeadLetterStore deadLetters;
    final ReplayService replays;
    final IntakePause pause;
    private final StatusCallbacks callbacks;
    private CallbackContext callbackRoute;

    Stores(Settings settings) {
        this.callbacks = StatusCallbacks.from(settings, outcome -> { });
        this.redis = RedisConnection.connect(settings, 1, false);
        this.keys = RedisKeys.from(settings);
        RedisScripts scripts = new RedisScripts(redis);
        this.status = new StatusStore(redis, scripts, keys, settings.integer("enrollflow.status.history-size", 1, 10_000),
                "cli", settings.integer("enrollflow.queue.max-deliveries", 1, 1000));
        this.deadLetters = new DeadLetterStore(redis, scripts, keys, status,
                settings.integer("enrollflow.dead-letter.warn-size", 0, Integer.MAX_VALUE));
        // one EXISTS once done: a dlq command right after an upgrade, before any instance ran, still sees every record
        deadLetters.indexExisting();
        this.replays = new ReplayService(scripts, keys, status, deadLetters);
        this.pause = new IntakePause(redis, keys);
        if (callbacks.enabled()) {
            callbackRoute = CallbackContext.start(settings, callbacks);
            status.listener(callbacks);
        }
    }

    @Override
    public void close() {
        try {
            if (callbackRoute != null) {
                callbackRoute.close();
            }
        } finally {
            redis.shutdown();
        }
    }
}

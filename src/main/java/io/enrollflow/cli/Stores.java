package io.enrollflow.cli;

import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.CallbackSettings;
import io.enrollflow.config.QueueSettings;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.config.StatusSettings;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.queue.IntakePause;
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
        // the settings an operator's command needs, each parsed once; the worker's own (download, delivery) are not read
        this.callbacks = StatusCallbacks.from(CallbackSettings.from(settings), outcome -> { });
        RedisSettings redisSettings = RedisSettings.from(settings);
        StatusSettings stores = StatusSettings.from(settings);
        int maxDeliveries = QueueSettings.from(settings).maxDeliveries();
        this.redis = RedisConnection.connect(redisSettings, 1, false);
        this.keys = RedisKeys.from(redisSettings);
        RedisScripts scripts = new RedisScripts(redis);
        this.status = new StatusStore(redis, scripts, keys, stores.historySize(), "cli", maxDeliveries);
        status.retainCompleted(stores.retention());
        this.deadLetters = new DeadLetterStore(redis, scripts, keys, status, stores.deadLetterWarnSize());
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

package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import org.redisson.api.RedissonClient;

/** The {@code redis-queue} component wired on a test's Redis, as the runtime wires it, for tests of the consumer. */
final class QueueComponents {

    private QueueComponents() {
    }

    static RedisQueueComponent on(RedissonClient redis, RedisKeys keys, String instanceId, InFlight inFlight) {
        RedisQueueComponent component = new RedisQueueComponent();
        component.setRedisson(redis);
        component.setKeys(keys);
        component.setInstanceId(instanceId);
        component.setInFlight(inFlight);
        return component;
    }
}

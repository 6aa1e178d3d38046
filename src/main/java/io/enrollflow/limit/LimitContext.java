package io.enrollflow.limit;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import org.redisson.api.RedissonClient;

/**
 * What every fleet-wide limit works with: Redis (the client, the scripts that keep each limit's state in one atomic
 * step, the key names), the gate that turns "not now" into a held task and a metric, and this instance's id (the
 * owner of its leases, calls and pauses in Redis). {@link Limits} makes one and hands it to each limit.
 */
public record LimitContext(RedissonClient redis, RedisScripts scripts, RedisKeys keys, LimitGate gate, String instanceId) {
}

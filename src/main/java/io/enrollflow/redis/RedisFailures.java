package io.enrollflow.redis;

import io.enrollflow.util.Causes;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisMasterDownException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;

import java.util.List;

/**
 * Which Redis failures are the infrastructure's (docs/contract.md §7 "while Redis is unreachable ... nothing is lost"): a
 * connection that failed or dropped, a timeout, a server that is loading, busy, failing over or read-only, a client
 * shutting down. A run cut off by one of them decides nothing and is requeued. Every other Redis error (WRONGTYPE, a
 * script error, out of memory) is a fault that repeats itself: the run fails with {@code internal_error}, so its
 * retries are counted and it ends dead-lettered instead of re-running for ever.
 */
public final class RedisFailures {

    private static final List<Class<? extends Throwable>> INFRASTRUCTURE = List.of(RedisConnectionException.class,
            RedisTimeoutException.class, RedisRetryException.class, RedisNodeNotFoundException.class,
            RedisReadonlyException.class, RedisMasterDownException.class, RedisReconnectedException.class,
            RedissonShutdownException.class);

    private RedisFailures() {
    }

    /** True when the throwable or one of its causes is a connection failure or a timeout. */
    public static boolean isInfrastructure(Throwable failure) {
        return Causes.anyOf(failure, INFRASTRUCTURE);
    }
}

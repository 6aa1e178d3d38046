package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.Membership;
import io.enrollflow.testing.RedisExtension;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heartbeat goes through its own Redis client (docs/contract.md §7): whatever holds up the client the rest of the
 * instance shares (here, at the extreme, a client that can answer nothing) does not hold up the heartbeat.
 */
class HeartbeatClientIT {

    private static final RedisKeys KEYS = RedisKeys.defaults();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    @Test
    void theHeartbeatIsWrittenThroughItsOwnClientWhileTheSharedOneAnswersNothing() throws Exception {
        Config deadEnd = new Config();
        // nothing listens on port 1: every call of the shared client fails
        deadEnd.useSingleServer().setAddress("redis://127.0.0.1:1").setConnectTimeout(200).setRetryAttempts(0);
        deadEnd.setLazyInitialization(true);
        RedissonClient shared = Redisson.create(deadEnd);
        DefaultCamelContext camel = new DefaultCamelContext();
        try {
            Membership membership = new Membership("heartbeat-client-test");
            Recovery recovery = new Recovery(camel, shared, redis.client(), new RedisScripts(shared), KEYS,
                    membership, Duration.ofSeconds(5), new InFlight());

            recovery.beat();

            assertTrue(redis.exists(KEYS.heartbeat(membership.instanceId())), "the heartbeat was written");
            assertTrue(membership.leaseHeld(), "the lease counts from the accepted heartbeat");
        } finally {
            shared.shutdown();
            camel.close();
        }
    }
}

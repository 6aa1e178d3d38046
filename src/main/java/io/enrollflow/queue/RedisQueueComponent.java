package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.redisson.api.RedissonClient;

import java.util.Map;

/**
 * {@code redis-queue:<list key>?concurrency=N}: consumes a Redis list reliably. No Camel component does (DESIGN.md:
 * spring-redis consumes pub/sub only, camel-redis holds an aggregation repository), hence this one.
 * The Redisson client and the instance id are set on the component by the runtime.
 */
@Component("redis-queue")
public class RedisQueueComponent extends DefaultComponent {

    private RedissonClient redisson;
    private RedisKeys keys = RedisKeys.defaults();
    private String instanceId;
    private InFlight inFlight = new InFlight();
    private Recovery recovery;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("redis-queue needs a list key: redis-queue:<key>");
        }
        if (redisson == null || instanceId == null) {
            throw new IllegalStateException("redis-queue needs the redisson client and instanceId set on the component");
        }
        RedisQueueEndpoint endpoint = new RedisQueueEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public RedissonClient getRedisson() {
        return redisson;
    }

    /** The one Redisson client of the runtime (StringCodec). */
    public void setRedisson(RedissonClient redisson) {
        this.redisson = redisson;
    }

    public RedisKeys getKeys() {
        return keys;
    }

    /** The namespace's keys: the processing lists and the pause flag are named from them. */
    public void setKeys(RedisKeys keys) {
        this.keys = keys;
    }

    public String getInstanceId() {
        return instanceId;
    }

    /** This instance's id: names its processing list. */
    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public InFlight getInFlight() {
        return inFlight;
    }

    /** The runs in hand, shared with recovery and the failure handler. */
    public void setInFlight(InFlight inFlight) {
        this.inFlight = inFlight;
    }

    public Recovery getRecovery() {
        return recovery;
    }

    /** Crash recovery; the consumer hands back what it holds through it on shutdown. Optional. */
    public void setRecovery(Recovery recovery) {
        this.recovery = recovery;
    }
}

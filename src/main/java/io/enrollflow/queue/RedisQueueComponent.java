package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.Membership;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.redisson.api.RedissonClient;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code redis-queue:<list key>?concurrency=N}: consumes a Redis list reliably. No Camel component does (in Camel 4.17
 * spring-redis consumes pub/sub only, camel-redis holds an aggregation repository), hence this one.
 * The Redisson client and the instance id are set on the component by the runtime.
 */
@Component("redis-queue")
public class RedisQueueComponent extends DefaultComponent {

    /** The endpoint's options without a default of their own (enrollflow.worker.* and enrollflow.queue.* give them). */
    static final List<String> REQUIRED_OPTIONS = List.of("concurrency", "pollTimeout", "shutdownTimeout");

    private RedissonClient redisson;
    private RedisKeys keys = RedisKeys.defaults();
    private String instanceId;
    private InFlight inFlight = new InFlight();
    private Recovery recovery;
    private Membership membership;
    private BiConsumer<TaskRun, String> undecided = (run, where) -> {
        throw new IllegalStateException("task " + run.taskId() + " ended without a decision after " + where);
    };

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("redis-queue needs a list key: redis-queue:<key>");
        }
        if (redisson == null || instanceId == null) {
            throw new IllegalStateException("redis-queue needs the redisson client and instanceId set on the component");
        }
        for (String option : REQUIRED_OPTIONS) {
            if (!parameters.containsKey(option)) {
                throw new IllegalArgumentException("redis-queue needs ?" + option + "=...; the pipeline route passes the"
                        + " setting from application.properties, where its default lives");
            }
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

    /**
     * Who decides a claimed run that returned without completing, retrying or dead-lettering (the failure handler:
     * {@code internal_error}); given the run and where it went last (route and step).
     */
    public BiConsumer<TaskRun, String> getUndecided() {
        return undecided;
    }

    public void setUndecided(BiConsumer<TaskRun, String> undecided) {
        this.undecided = undecided;
    }

    /** This instance's membership: its consumers take no task while its lease lapsed (it may be presumed dead). */
    public Membership getMembership() {
        return membership;
    }

    public void setMembership(Membership membership) {
        this.membership = membership;
    }

    public Recovery getRecovery() {
        return recovery;
    }

    /** Crash recovery; the consumer hands back what it holds through it on shutdown. Optional. */
    public void setRecovery(Recovery recovery) {
        this.recovery = recovery;
    }
}

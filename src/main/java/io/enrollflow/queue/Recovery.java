package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskParser;
import io.enrollflow.task.TaskRun;
import org.apache.camel.support.service.ServiceSupport;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Crash recovery (CONTRACT §7), run by every instance on start and then every {@code recovery-timeout / 5}:
 * <ol>
 *   <li>heartbeat: {@code enrollflow:instance:<id>} is set with a TTL of 3/5 of the recovery timeout, and the id added
 *       to {@code enrollflow:instances};</li>
 *   <li>reap: every other instance in that set whose heartbeat expired has its processing list handed back to the
 *       queue (reap.lua); claim.lua then sees its claims' owner dead, counts the crash, and lets the tasks run again —
 *       so a {@code kill -9}ed instance's tasks run again within the recovery timeout, and a task that keeps killing
 *       instances ends as {@code poison};</li>
 *   <li>orphans: an entry of this instance's own processing list that no worker holds (its decision could not be
 *       written, e.g. Redis dropped the connection) on two checks in a row is put back on the queue.</li>
 * </ol>
 * Recovery is at-least-once: a task taken again continues from what is recorded (enrollment skipped when recorded,
 * delivery completing what exists), so running it again duplicates no effect.
 */
public class Recovery extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final String instanceId;
    private final Duration recoveryTimeout;
    private final InFlight inFlight;
    private ScheduledExecutorService timer;
    private Set<String> suspectedOrphans = Set.of();
    /** This instance's details (JSON) for the console, written next to the heartbeat; null = none. */
    private volatile String details;
    private boolean redisDown;
    /** Runs with every heartbeat: what lives as long as the heartbeat (download permit leases) is renewed with it. */
    private volatile Runnable onHeartbeat = () -> { };

    public Recovery(RedissonClient redis, RedisScripts scripts, RedisKeys keys, String instanceId,
                    Duration recoveryTimeout, InFlight inFlight) {
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.instanceId = instanceId;
        this.recoveryTimeout = recoveryTimeout;
        this.inFlight = inFlight;
    }

    /** How often the heartbeat is refreshed and dead instances are looked for. */
    public Duration period() {
        return Duration.ofMillis(Math.max(200, recoveryTimeout.toMillis() / 5));
    }

    /** How long a heartbeat lives without refresh: three periods, so two missed refreshes are survived. */
    public Duration heartbeatTtl() {
        return period().multipliedBy(3);
    }

    @Override
    protected void doStart() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "enrollflow-recovery");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, period().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** One round: heartbeat, reap the dead, requeue own orphans. Never throws: it runs on a timer. */
    void tick() {
        try {
            heartbeat();
            reapDeadInstances();
            requeueOrphans();
            if (redisDown) {
                redisDown = false;
                LOG.info("task=- stage=recovery outcome=redis-back");
            }
        } catch (RuntimeException e) {
            // Redis unreachable: try again next round; log once per outage
            if (!redisDown) {
                redisDown = true;
                LOG.warn("task=- stage=recovery outcome=redis-unreachable error=\"{}\"", e.getMessage());
            }
        }
    }

    /** Sets the details (JSON: host, startedAt, concurrency) each heartbeat writes for the console. */
    public void details(String json) {
        this.details = json;
    }

    void heartbeat() {
        redis.getBucket(keys.heartbeat(instanceId), StringCodec.INSTANCE).set(instanceId, heartbeatTtl());
        String described = details;
        if (described != null) {
            // with the heartbeat's TTL, so a dead instance's details go when its heartbeat does
            redis.getBucket(keys.instanceDetails(instanceId), StringCodec.INSTANCE).set(described, heartbeatTtl());
        }
        redis.getSet(keys.instances(), StringCodec.INSTANCE).add(instanceId);
        onHeartbeat.run();
    }

    /** Sets what is renewed with each heartbeat (it may throw when Redis is down, as the heartbeat does). */
    public void onHeartbeat(Runnable renewal) {
        this.onHeartbeat = renewal;
    }

    void reapDeadInstances() {
        Set<Object> instances = redis.getSet(keys.instances(), StringCodec.INSTANCE).readAll();
        for (Object other : instances) {
            String id = String.valueOf(other);
            if (id.equals(instanceId) || redis.getBucket(keys.heartbeat(id), StringCodec.INSTANCE).isExists()) {
                continue;
            }
            long moved = scripts.integer(Script.REAP,
                    List.of(keys.processing(id), keys.queue(), keys.instances(), keys.heartbeat(id)), id);
            if (moved > 0) {
                LOG.warn("task=- stage=recovery outcome=reaped instance={} tasks={} note=\"its heartbeat expired; its tasks are back on the queue\"",
                        id, moved);
            }
        }
    }

    void requeueOrphans() {
        List<Object> held = redis.getList(keys.processing(instanceId), StringCodec.INSTANCE).readAll();
        Map<String, Integer> working = new HashMap<>();
        for (TaskRun run : inFlight.runs()) {
            working.merge(run.raw(), 1, Integer::sum);
        }
        Set<String> orphans = new HashSet<>();
        for (Object entry : held) {
            String raw = String.valueOf(entry);
            Integer count = working.get(raw);
            if (count != null && count > 0) {
                working.put(raw, count - 1);
            } else {
                orphans.add(raw);
            }
        }
        List<String> confirmed = new ArrayList<>();
        for (String raw : orphans) {
            if (suspectedOrphans.contains(raw)) {
                confirmed.add(raw);
            }
        }
        for (String raw : confirmed) {
            String taskId = TaskParser.peek(raw).taskId();
            long moved = scripts.integer(Script.REQUEUE_ORPHAN, List.of(keys.processing(instanceId), keys.queue(),
                    taskId == null ? "" : keys.claim(taskId)), raw, instanceId);
            if (moved > 0) {
                LOG.warn("task={} stage=recovery outcome=requeued note=\"its run ended without a recorded decision\"",
                        taskId == null ? "-" : taskId);
            }
            orphans.remove(raw);
        }
        suspectedOrphans = orphans;
    }

    /**
     * On shutdown, once the workers stopped: whatever this instance still holds goes back to the queue at once (not
     * after the recovery timeout), its claims released, and the instance forgotten.
     */
    public long handBack() {
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.processing(instanceId), keys.queue(), keys.instances(),
                keys.heartbeat(instanceId)));
        for (Object raw : redis.getList(keys.processing(instanceId), StringCodec.INSTANCE).readAll()) {
            String taskId = TaskParser.peek(String.valueOf(raw)).taskId();
            if (taskId != null) {
                scriptKeys.add(keys.claim(taskId));
            }
        }
        return scripts.integer(Script.HAND_BACK, scriptKeys, instanceId);
    }
}

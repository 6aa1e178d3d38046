package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisFailures;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.Membership;
import io.enrollflow.task.TaskParser;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Crash recovery (docs/contract.md §7), on two threads of its own from Camel's ExecutorServiceManager, every
 * {@code recovery-timeout / 5} (the period):
 * <ol>
 *   <li>heartbeat (thread {@code enrollflow-heartbeat}, nothing else runs there, at a fixed rate so a slow refresh
 *       does not push the next one back): {@link Heartbeat};</li>
 *   <li>renewals (thread {@code enrollflow-recovery}): what lives as long as the heartbeat (download permit leases) is
 *       renewed while the lease is held, off the heartbeat's thread, so a slow renewal never delays a heartbeat;</li>
 *   <li>reap (thread {@code enrollflow-recovery}): every other instance in {@code <ns>:instances} whose heartbeat
 *       expired has its processing list handed back to the queue (reap.lua); claim.lua then sees its claims' owner
 *       dead, counts the crash, and lets the tasks run again — so a {@code kill -9}ed instance's tasks run again within
 *       the recovery timeout, and a task that keeps ending without a decision ends as {@code poison};</li>
 *   <li>orphans: an entry of this instance's own processing list that no worker holds (its decision could not be
 *       written, e.g. Redis dropped the connection) on two checks in a row is put back on the queue; the run that
 *       takes it counts toward max-deliveries.</li>
 * </ol>
 * A failed heartbeat or round is never silent: it is logged when its cause changes (not once per round) and counted
 * ({@code enrollflow_recovery_errors_total}); the next round tries again.
 * <p>
 * Recovery is at-least-once; fencing makes it exactly-once in effect: a run taken over is refused by Redis at its next
 * write, and the run that took it continues from what is recorded (enrollment skipped when recorded, delivery
 * completing what exists).
 */
public class Recovery extends ServiceSupport {

    private static final Logger LOG = LogManager.getLogger(Recovery.class);

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final Membership membership;
    private final Duration recoveryTimeout;
    private final InFlight inFlight;
    private final CamelContext camel;
    private ScheduledExecutorService heartbeatThread;
    private ScheduledExecutorService recoveryThread;
    private final Reaper reaper;
    private final Heartbeat heartbeat;
    private String heartbeatFailure;
    private String roundFailure;
    /** Set by the shutdown's hand-back: the instance is forgotten, so the heartbeat must not register it again. */
    private volatile boolean handedBack;
    /** Runs every period while the lease holds: what lives as long as the heartbeat (download permit leases). */
    private volatile Runnable renewal = () -> { };
    private String renewalFailure;

    /**
     * @param heartbeatRedis a client only the heartbeat uses ({@code RedisConnection.connectForHeartbeat}); whoever
     *                       made it shuts it down after this service stops
     */
    public Recovery(CamelContext camel, RedissonClient redis, RedissonClient heartbeatRedis, RedisScripts scripts,
                    RedisKeys keys, Membership membership, Duration recoveryTimeout, InFlight inFlight) {
        this.camel = camel;
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.membership = membership;
        this.recoveryTimeout = recoveryTimeout;
        this.inFlight = inFlight;
        this.reaper = new Reaper(redis, scripts, keys, membership, inFlight);
        this.heartbeat = new Heartbeat(heartbeatRedis, keys, membership, inFlight, period());
    }

    /** How often the heartbeat is refreshed and dead instances are looked for. */
    public Duration period() {
        return Duration.ofMillis(Math.max(200, recoveryTimeout.toMillis() / 5));
    }

    /** How long a heartbeat lives without refresh ({@link Heartbeat#ttl()}). */
    public Duration heartbeatTtl() {
        return heartbeat.ttl();
    }

    @Override
    protected void doStart() {
        heartbeatThread = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "enrollflow-heartbeat");
        recoveryThread = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "enrollflow-recovery");
        // at a fixed rate, not after a fixed delay: a slow refresh does not push the next one back by its own length
        heartbeatThread.scheduleAtFixedRate(this::beat, 0, period().toMillis(), TimeUnit.MILLISECONDS);
        recoveryThread.scheduleWithFixedDelay(this::renew, period().toMillis() / 4, period().toMillis(),
                TimeUnit.MILLISECONDS);
        recoveryThread.scheduleWithFixedDelay(this::tick, period().toMillis() / 2, period().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (heartbeatThread != null) {
            camel.getExecutorServiceManager().shutdownNow(heartbeatThread);
            heartbeatThread = null;
        }
        if (recoveryThread != null) {
            camel.getExecutorServiceManager().shutdownNow(recoveryThread);
            recoveryThread = null;
        }
    }

    /** One heartbeat. Never throws: it runs on a timer. */
    void beat() {
        if (handedBack) {
            return;
        }
        try {
            heartbeat.beat();
            heartbeatFailure = recovered(heartbeatFailure, "heartbeat");
        } catch (RuntimeException e) {
            heartbeatFailure = failed(heartbeatFailure, "heartbeat", e);
        }
    }

    /**
     * Sets what is renewed every period while the lease holds (it may throw when Redis is down); a presumed-dead
     * instance renews nothing, so its leases lapse with its heartbeat.
     */
    public void onHeartbeat(Runnable renewal) {
        this.renewal = renewal;
    }

    /** One renewal. Never throws: it runs on a timer. */
    void renew() {
        if (handedBack || !membership.leaseHeld()) {
            return;
        }
        try {
            renewal.run();
            renewalFailure = recovered(renewalFailure, "renewal");
        } catch (RuntimeException e) {
            renewalFailure = failed(renewalFailure, "renewal", e);
        }
    }

    /** One round: reap the dead, requeue own orphans. Never throws: it runs on a timer. */
    void tick() {
        try {
            reaper.reapDeadInstances();
            reaper.requeueOrphans();
            roundFailure = recovered(roundFailure, "round");
        } catch (RuntimeException e) {
            roundFailure = failed(roundFailure, "round", e);
        }
    }

    /** Sets the details (JSON: host, startedAt, concurrency) each heartbeat writes for the console. */
    public void details(String json) {
        heartbeat.details(json);
    }

    /** Counts a failure; logs it when its cause differs from the last one's. Returns the cause. */
    private String failed(String last, String what, RuntimeException e) {
        inFlight.events().recoveryFailed();
        String cause = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!cause.equals(last)) {
            if (RedisFailures.isInfrastructure(e)) {
                // Redis unreachable or slow: tried again next period
                Event.warn(LOG).stage("recovery").outcome(what + "-failed").error(cause)
                        .note("Redis unreachable; trying again every " + period().toMillis() + " ms").log();
            } else {
                // a fault of enrollflow (or a Redis error that repeats itself): tried again next period, loudly
                Event.error(LOG).stage("recovery").outcome(what + "-failed").error(cause)
                        .note("trying again every " + period().toMillis() + " ms").thrown(e).log();
            }
        }
        return cause;
    }

    private String recovered(String last, String what) {
        if (last != null) {
            Event.info(LOG).stage("recovery").outcome(what + "-back").log();
        }
        return null;
    }

    /**
     * On shutdown, once the workers stopped or were fenced: whatever this instance still holds goes back to the queue
     * at once (not after the recovery timeout), its claims deleted (which fences any run still going), and the
     * instance forgotten.
     */
    public long handBack() {
        handedBack = true;
        String instanceId = membership.instanceId();
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.processing(instanceId), keys.queue(), keys.instances(),
                keys.heartbeat(instanceId)));
        for (Object raw : redis.getList(keys.processing(instanceId), StringCodec.INSTANCE).readAll()) {
            String taskId = TaskParser.peek(String.valueOf(raw)).taskId();
            if (taskId != null) {
                scriptKeys.add(keys.claim(taskId));
            }
        }
        return scripts.integer(Script.HAND_BACK, scriptKeys, instanceId, membership.owner());
    }
}

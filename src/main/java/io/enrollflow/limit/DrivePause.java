package io.enrollflow.limit;

import io.enrollflow.delivery.drive.DriveThrottle;
import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskRun;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The fleet-wide Drive pause (docs/contract.md §12): a Drive 429 or rate-limit 403 on any instance sets a key whose TTL is the
 * pause (drive-pause.lua; {@code Retry-After} when Drive sent one, else the back-off's first interval), and every
 * instance waits it out before its next Drive request. Waiting is {@link LimitGate}'s: a short pause in place, a long
 * one sends the task back to the retry schedule without using an attempt.
 * <ul>
 *   <li>{@link #beforeDelivery} before a task's delivery starts: writes the wait into the task's message;</li>
 *   <li>{@link #beforeCall} before every Drive HTTP request (upload threads included), through the Drive client's
 *       request interceptor;</li>
 *   <li>{@link #slowDown} from the Drive client when it sees a 429 or a rate-limit 403.</li>
 * </ul>
 */
public class DrivePause implements DriveThrottle {

    private static final Logger LOG = LogManager.getLogger(DrivePause.class);

    /** The longest pause honoured: a Retry-After beyond it is a mistake, not a plan. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(10);
    static final String MESSAGE = "waiting for the Drive back-off (Drive asked the fleet to slow down)";

    private final LimitContext context;

    public DrivePause(LimitContext context) {
        this.context = context;
    }

    /** Milliseconds of the pause left (Redis's clock: the key's TTL); 0 when there is none. */
    public long left() {
        long ttl = context.redis().getBucket(context.keys().drivePause(), StringCodec.INSTANCE).remainTimeToLive();
        return Math.max(0, ttl);
    }

    /** As {@link #left()}, without waiting for Redis (for a metrics scrape). */
    CompletableFuture<Long> leftAsync() {
        return context.redis().getBucket(context.keys().drivePause(), StringCodec.INSTANCE).remainTimeToLiveAsync()
                .toCompletableFuture();
    }

    public void beforeDelivery(TaskRun run) {
        context.gate().pass(run, Limit.DRIVE_PAUSE, MESSAGE, this::left);
    }

    @Override
    public void beforeCall() {
        context.gate().pass(null, Limit.DRIVE_PAUSE, MESSAGE, this::left);
    }

    @Override
    public void slowDown(Duration pause, String why) {
        Duration bounded = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
        long millis = Math.max(1, bounded.toMillis());
        long left;
        try {
            left = context.scripts().integer(Script.DRIVE_PAUSE, List.of(context.keys().drivePause()), millis,
                    context.instanceId() + " " + why);
        } catch (RuntimeException e) {
            // Redis unreachable: the pause is not shared; this request still backs off on its own, and the task's fate
            // is the Drive answer's, as classified
            Event.warn(LOG).stage("deliver").outcome("drive-pause-not-set").kv("why", why).error(e.getMessage()).log();
            return;
        }
        Event.warn(LOG).stage("deliver").outcome("drive-paused").kv("why", why).kv("pause_ms", left)
                .note("every instance waits before its next Drive call").log();
    }
}

package io.enrollflow.status;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each task's status hash {@code enrollflow:task:<taskId>} and its capped history (CONTRACT §3). Writes that end a run
 * (completed) also release the task from its processing list in the same Lua step. Every transition, once recorded,
 * is told to the {@link StatusListener} (metrics, status callbacks); the retry schedule, the dead letters and replays
 * tell theirs through {@link #announce}.
 */
public class StatusStore {

    /** What intake's claim decided about a task taken from the queue. */
    public enum Claim { CLAIMED, POISON, COMPLETED, IN_FLIGHT, WAITING }

    /** The claim's decision and, when claimed, the number of this attempt and whether enrollment is recorded. */
    public record ClaimResult(Claim decision, int attempt, boolean enrolled) {
    }

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final int historySize;
    private final String instanceId;
    private final int maxDeliveries;
    private volatile StatusListener listener = StatusListener.NONE;

    /**
     * @param maxDeliveries enrollflow.queue.max-deliveries: crashed instances a task may have been in flight on
     *                      before it is dead-lettered as poison
     */
    public StatusStore(RedissonClient redis, RedisScripts scripts, RedisKeys keys, int historySize, String instanceId,
                       int maxDeliveries) {
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.historySize = historySize;
        this.instanceId = instanceId;
        this.maxDeliveries = maxDeliveries;
    }

    /** ISO-8601 UTC, milliseconds: the shape of every timestamp enrollflow writes. */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    public int historySize() {
        return historySize;
    }

    /** Who is told of each transition (set once while the runtime is wired). */
    public void listener(StatusListener listener) {
        this.listener = listener == null ? StatusListener.NONE : listener;
    }

    /** Tells the listener of a transition that Redis has recorded (the stores that write statuses in their own scripts). */
    public void announce(StatusChange change) {
        listener.changed(change);
    }

    /** claim.lua: decides whether this run of the task goes ahead (see the script's header). */
    public ClaimResult claim(TaskRun run, String orderId, String courseUrl) {
        String id = run.taskId();
        String at = now();
        List<Object> result = scripts.list(Script.CLAIM,
                List.of(keys.task(id), keys.history(id), keys.claim(id), keys.deadLetters(), keys.deadLetterIndex(),
                        keys.deadLetterPayloads(), orderId == null || orderId.isEmpty() ? "" : keys.orderTasks(orderId)),
                instanceId, at, historySize, run.raw(), id, orderId, courseUrl, keys.heartbeatPrefix(), maxDeliveries,
                keys.deadLetterReasonPrefix(), keys.deadLetterStagePrefix(), keys.deadLetterStageReasonPrefix());
        Claim decision = Claim.valueOf(String.valueOf(result.get(0)).toUpperCase(java.util.Locale.ROOT));
        int attempt = ((Number) result.get(1)).intValue();
        boolean enrolled = ((Number) result.get(2)).intValue() == 1;
        if (decision == Claim.CLAIMED) {
            announce(new StatusChange(id, TaskStatus.PROCESSING, null, "", null, at));
        }
        return new ClaimResult(decision, attempt, enrolled);
    }

    /** A transition on the way (downloading, uploading): recorded, the task stays taken. */
    public void transition(TaskRun run, TaskStatus status, Stage stage, String message) {
        write(run, "", now(), status, message, null, "status", status.word(), "stage", stage.word(), "message", message);
    }

    /**
     * Enrollment done. Held on the run and written with the transition that follows it at once (downloading), so the
     * two cost one Redis step: status enrolled in the history, and enrolledAt, so that a later attempt of this task
     * skips the call. Should the run end before that (a crash), the next attempt enrolls again, which the API answers
     * as enrolled.
     */
    public void enrolled(TaskRun run, String message) {
        run.enrolled(true);
        run.holdEnrolled(now(), message);
    }

    /** Writes a held enrollment on its own: the run failed before a transition could carry it. */
    public void writeHeld(TaskRun run) {
        String at = run.heldEnrolledAt();
        if (at != null) {
            String message = run.heldEnrolledMessage();
            run.releaseHeldEnrolled();
            write(run, "", at, TaskStatus.ENROLLED, message, null, "status", TaskStatus.ENROLLED.word(),
                    "stage", Stage.ENROLL.word(), "message", message, "enrolledAt", at);
        }
    }

    /** The run's happy end: status completed with its delivery URL, and the task released, in one step. */
    public void complete(TaskRun run, String deliveryUrl) {
        complete(run, deliveryUrl, "delivered");
    }

    /** As {@link #complete(TaskRun, String)}, with the message of the transition (what delivery left out, say). */
    public void complete(TaskRun run, String deliveryUrl, String message) {
        write(run, run.raw(), now(), TaskStatus.COMPLETED, message, deliveryUrl, "status", TaskStatus.COMPLETED.word(),
                "stage", Stage.DELIVER.word(), "reason", "", "message", message, "deliveryUrl", deliveryUrl);
        run.markDecided();
    }

    /** transition.lua with this change, preceded by the run's held enrollment if any; then tells the listener. */
    private void write(TaskRun run, String ack, String at, TaskStatus status, String message, String deliveryUrl,
                       String... fields) {
        String id = run.taskId();
        String heldAt = run.heldEnrolledAt();
        String heldMessage = run.heldEnrolledMessage();
        List<Object> args = new ArrayList<>(List.of(at, historySize, ack));
        if (heldAt == null) {
            args.add(0);
        } else {
            args.addAll(List.of(1, TaskStatus.ENROLLED.word(), heldAt, heldMessage == null ? "" : heldMessage));
        }
        Collections.addAll(args, fields);
        if (heldAt != null) {
            args.addAll(List.of("enrolledAt", heldAt));
        }
        scripts.integer(Script.TRANSITION, List.of(keys.task(id), keys.history(id), keys.claim(id), run.processingList(),
                keys.completedInMinute(Instant.parse(at).getEpochSecond() / 60)), args.toArray());
        if (heldAt != null) {
            run.releaseHeldEnrolled();
            announce(new StatusChange(id, TaskStatus.ENROLLED, null, heldMessage, null, heldAt));
        }
        announce(new StatusChange(id, status, null, message, deliveryUrl, at));
    }

    /**
     * A note on a task that keeps its status (it waits at a fleet-wide limit): the message and updatedAt change, the
     * status and history do not.
     */
    public void note(String taskId, String message) {
        redis.getMap(keys.task(taskId), StringCodec.INSTANCE).putAll(Map.of("message", message, "updatedAt", now()));
    }

    /** One field of a task's hash; null when absent. */
    public String field(String taskId, String field) {
        return (String) redis.getMap(keys.task(taskId), StringCodec.INSTANCE).get(field);
    }

    /** Writes one field of a task's hash at once (delivery notes such as a Drive folder id). */
    public void putField(String taskId, String field, String value) {
        redis.getMap(keys.task(taskId), StringCodec.INSTANCE).fastPut(field, value);
    }

    /** The task's hash, or an empty map when there is none. */
    public Map<String, String> read(String taskId) {
        Map<Object, Object> raw = redis.getMap(keys.task(taskId), StringCodec.INSTANCE).readAllMap();
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    /** The task's transitions, oldest first, each a JSON object {status, at, message}. */
    public List<String> history(String taskId) {
        List<Object> newestFirst = redis.getList(keys.history(taskId), StringCodec.INSTANCE).readAll();
        List<String> out = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            out.add(String.valueOf(newestFirst.get(i)));
        }
        return out;
    }
}

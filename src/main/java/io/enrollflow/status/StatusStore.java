package io.enrollflow.status;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each task's status hash {@code enrollflow:task:<taskId>} and its capped history (docs/contract.md §3). Writes that end a run
 * (completed) also release the task from its processing list in the same Lua step. Every transition, once recorded,
 * is told to the {@link StatusListener} (metrics, status callbacks); the retry schedule, the dead letters and replays
 * tell theirs through {@link #announce}.
 * <p>
 * Fencing (docs/contract.md §7): every write a run makes presents the run's claim token, and the script refuses it when the
 * claim holds another (the task was taken over): then nothing is written and {@link ClaimLostException} is thrown.
 * {@link #ensureClaimed} reads the claim at a stage boundary whose next step writes nothing (the enrollment call, when
 * enrolling again after a download); {@link #ensureLeaseHeld} is the local check where the claim was confirmed under
 * this instance's epoch and the next write is fenced anyway.
 */
public class StatusStore {

    /**
     * What intake's claim decided about a task taken from the queue. OWN: this instance holds the claim already
     * (another of its workers runs the task, or the claim was sent twice after a lost reply): intake tells which.
     */
    public enum Claim { CLAIMED, POISON, COMPLETED, IN_FLIGHT, WAITING, OWN }

    /**
     * The claim's decision and, when claimed, the number of this attempt, whether enrollment is recorded, the fencing
     * token (also for poison: the claim is held while the task is dead-lettered), and an earlier claim's firstSeenAt.
     */
    public record ClaimResult(Claim decision, int attempt, boolean enrolled, String token, String firstSeenAt) {
    }

    /**
     * How much longer than its tasks' records the orderId index lives: a task's record is kept from its decision, the
     * index from its last claim, and retries and holds between the two take hours, rarely days.
     */
    static final Duration ORDER_INDEX_MARGIN = Duration.ofDays(7);

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final int historySize;
    private final Membership membership;
    private final int maxDeliveries;
    private final Transitions transitions;
    private volatile StatusListener listener = StatusListener.NONE;
    /** Seconds an orderId's task index is kept after its last claim (0 = for ever: a store without retention, in tests). */
    private volatile long orderIndexSeconds;

    /**
     * @param maxDeliveries enrollflow.queue.max-deliveries: crashed instances a task may have been in flight on
     *                      before it is dead-lettered as poison
     */
    public StatusStore(RedissonClient redis, RedisScripts scripts, RedisKeys keys, int historySize, String instanceId,
                       int maxDeliveries) {
        this(redis, scripts, keys, historySize, new Membership(instanceId), maxDeliveries);
    }

    /** @param membership this instance's id and epoch: who its claims name as owner */
    public StatusStore(RedissonClient redis, RedisScripts scripts, RedisKeys keys, int historySize, Membership membership,
                       int maxDeliveries) {
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.historySize = historySize;
        this.membership = membership;
        this.maxDeliveries = maxDeliveries;
        this.transitions = new Transitions(scripts, keys, historySize, this::announce);
    }

    /** ISO-8601 UTC, milliseconds: the shape of every timestamp enrollflow writes. */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    public int historySize() {
        return historySize;
    }

    /** How long a completed task's status hash and history stay ({@code enrollflow.status.retention}). */
    public void retainCompleted(Duration retention) {
        transitions.retainCompleted(retention);
    }

    /**
     * Bounds the orderId index (docs/contract.md §14): it expires {@link #ORDER_INDEX_MARGIN} after the longest its
     * tasks' records are kept (a completed one's status, a failed one's dead letter), counted from its last claim.
     */
    public void retainOrderIndex(Duration completedRetention, Duration deadLetterMaxAge) {
        Duration longest = completedRetention.compareTo(deadLetterMaxAge) >= 0 ? completedRetention : deadLetterMaxAge;
        this.orderIndexSeconds = longest.plus(ORDER_INDEX_MARGIN).toSeconds();
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
                        keys.deadLetterPayloads(), keys.claimSequence(),
                        orderId == null || orderId.isEmpty() ? keys.none() : keys.orderTasks(orderId)),
                membership.owner(), at, historySize, run.raw(), id, orderId, courseUrl, keys.heartbeatPrefix(),
                maxDeliveries, keys.deadLetterReasonPrefix(), keys.deadLetterStagePrefix(),
                keys.deadLetterStageReasonPrefix(), orderIndexSeconds);
        Claim decision = Claim.valueOf(String.valueOf(result.get(0)).toUpperCase(java.util.Locale.ROOT));
        int attempt = ((Number) result.get(1)).intValue();
        boolean enrolled = ((Number) result.get(2)).intValue() == 1;
        String token = String.valueOf(result.get(3));
        if (decision == Claim.CLAIMED) {
            announce(new StatusChange(id, TaskStatus.PROCESSING, null, "", null, at));
        }
        return new ClaimResult(decision, attempt, enrolled, token, result.size() > 4 ? String.valueOf(result.get(4)) : "");
    }

    /**
     * A stage boundary (before enrollment, the download, the delivery): the run goes on only while it holds its claim.
     * It stops when this instance fenced it, when the lease lapsed (a stall: the instance may have been presumed dead
     * meanwhile; its heartbeat thread decides), or when the claim holds another token (the task was taken over).
     *
     * @throws ClaimLostException when the run must stop; the run is then fenced
     */
    public void ensureClaimed(TaskRun run) {
        ensureLeaseHeld(run);
        String held = (String) redis.getBucket(keys.claim(run.taskId()), StringCodec.INSTANCE).get();
        if (!run.claimToken().equals(held)) {
            run.fence();
            throw new ClaimLostException(run.taskId(), "the claim was taken over");
        }
    }

    /**
     * The local half of {@link #ensureClaimed}, for a boundary whose next write is fenced anyway (the transition that
     * opens the download and the delivery): the run stops when this instance fenced it or its lease lapsed.
     */
    public void ensureLeaseHeld(TaskRun run) {
        if (run.fenced()) {
            throw new ClaimLostException(run.taskId(), "fenced in this instance");
        }
        if (!membership.leaseHeld()) {
            run.fence();
            throw new ClaimLostException(run.taskId(), "this instance's heartbeat may have expired");
        }
    }

    /** This instance's membership (its owner name and lease). */
    public Membership membership() {
        return membership;
    }

    /**
     * A transition on the way (downloading, uploading): recorded, the task stays taken. It opens a stage, so it is the
     * stage's claim check too: the script refuses it when the task was taken over.
     */
    public void transition(TaskRun run, TaskStatus status, Stage stage, String message) {
        ensureLeaseHeld(run);
        transitions.write(run, "", now(), status, message, null, "status", status.word(), "stage", stage.word(),
                "message", message);
    }

    /**
     * Enrollment done: held on the run, not written yet. The transition that follows it at once (downloading) writes it
     * in the same Redis step: status enrolled in the history, and enrolledAt, so that a later attempt of this task
     * skips the call. Should the run end before that (a crash), the next attempt enrolls again, which the API answers
     * as enrolled; a run that fails first writes it on its own ({@link #writeHeld}).
     */
    public void holdEnrolled(TaskRun run, String message) {
        run.holdEnrolled(now(), message);
    }

    /** Writes a held enrollment on its own: the run failed before a transition could carry it. */
    public void writeHeld(TaskRun run) {
        String at = run.heldEnrolledAt();
        if (at != null) {
            String message = run.heldEnrolledMessage();
            run.releaseHeldEnrolled();
            transitions.write(run, "", at, TaskStatus.ENROLLED, message, null, "status", TaskStatus.ENROLLED.word(),
                    "stage", Stage.ENROLL.word(), "message", message, "enrolledAt", at);
        }
    }

    /** The run's happy end: status completed with its delivery URL, and the task released, in one step. */
    public void complete(TaskRun run, String deliveryUrl) {
        complete(run, deliveryUrl, "delivered");
    }

    /** As {@link #complete(TaskRun, String)}, with the message of the transition (what delivery left out, say). */
    public void complete(TaskRun run, String deliveryUrl, String message) {
        transitions.write(run, run.raw(), now(), TaskStatus.COMPLETED, message, deliveryUrl,
                "status", TaskStatus.COMPLETED.word(), "stage", Stage.DELIVER.word(), "reason", "", "message", message, "deliveryUrl", deliveryUrl);
        run.markCompleted();
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

    /**
     * Writes one field of the run's task hash at once (delivery notes such as a Drive folder id), fenced like every
     * write of a run: refused ({@link ClaimLostException}) when the task was taken over.
     */
    public void putField(TaskRun run, String field, String value) {
        transitions.write(run, "", now(), null, null, null, field, value);
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

package io.enrollflow.status;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskRun;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a run's status change reaches Redis: transition.lua, through the run's fence (docs/contract.md §7), with the
 * run's held enrollment written first when there is one ({@link StatusStore#holdEnrolled}), and, for a completion, the
 * acknowledgement and the worker's next task in the same step. Each recorded transition is then announced, in the
 * order the history has them.
 */
final class Transitions {

    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final int historySize;
    private final Consumer<StatusChange> announce;
    /** Seconds a completed task's status and history are kept (0 = for ever: a store without retention, in tests). */
    private volatile long retainCompletedSeconds;

    Transitions(RedisScripts scripts, RedisKeys keys, int historySize, Consumer<StatusChange> announce) {
        this.scripts = scripts;
        this.keys = keys;
        this.historySize = historySize;
        this.announce = announce;
    }

    /** How long a completed task's status hash and history stay ({@code enrollflow.status.retention}). */
    void retainCompleted(Duration retention) {
        this.retainCompletedSeconds = Math.max(1, retention.toSeconds());
    }

    /**
     * Writes the change ({@code status} null: fields only, no transition), after the run's held enrollment if any.
     *
     * @param ack the raw payload to release from the processing list ("" when the change decides nothing)
     * @throws ClaimLostException when the run was fenced here, or Redis refused it (the claim holds another token)
     */
    void write(TaskRun run, String ack, String at, TaskStatus status, String message, String deliveryUrl,
               String... fields) {
        String id = run.taskId();
        if (run.fenced()) {
            throw new ClaimLostException(id, "fenced in this instance");
        }
        String heldAt = run.heldEnrolledAt();
        String heldMessage = run.heldEnrolledMessage();
        List<Object> args = new ArrayList<>(List.of(at, historySize, ack, run.claimToken(), retainCompletedSeconds));
        args.add(heldAt == null ? 0 : 1);
        if (heldAt != null) {
            args.addAll(List.of(TaskStatus.ENROLLED.word(), heldAt, heldMessage == null ? "" : heldMessage));
        }
        Collections.addAll(args, fields);
        if (heldAt != null) {
            args.addAll(List.of("enrolledAt", heldAt));
        }
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.task(id), keys.history(id), keys.claim(id),
                run.processingList(), keys.completedInMinute(epochMinute(at))));
        // an acknowledgement may take the worker's next task in the same step (the consumer says whether it wants one)
        String nextFrom = ack.isEmpty() ? null : run.nextQueue();
        long removed;
        if (nextFrom == null) {
            removed = scripts.integer(Script.TRANSITION, scriptKeys, args.toArray());
        } else {
            scriptKeys.add(nextFrom);
            List<Object> reply = scripts.list(Script.TRANSITION, scriptKeys, args.toArray());
            removed = ((Number) reply.get(0)).longValue();
            run.next(reply.size() > 1 && reply.get(1) != null ? String.valueOf(reply.get(1)) : null);
        }
        if (removed < 0) {
            run.fence();
            throw new ClaimLostException(id, "Redis refused its " + (status == null ? "write" : status.word()));
        }
        if (heldAt != null) {
            run.releaseHeldEnrolled();
            announce.accept(new StatusChange(id, TaskStatus.ENROLLED, null, heldMessage, null, heldAt));
        }
        if (status != null) {
            announce.accept(new StatusChange(id, status, null, message, deliveryUrl, at));
        }
    }

    /**
     * The minute since the epoch of a time as {@link StatusStore#now()} writes it ({@code 2026-12-01T14:53:10.123Z}),
     * read from its fixed positions: {@code Instant.parse} costs a measurable share of a worker's CPU, for a value
     * written a moment before.
     */
    static long epochMinute(String at) {
        if (at.length() < 17 || at.charAt(4) != '-' || at.charAt(7) != '-' || at.charAt(10) != 'T'
                || at.charAt(13) != ':' || at.charAt(16) != ':') {
            return Instant.parse(at).getEpochSecond() / 60; // a year past 9999, or another writer's format
        }
        long day = LocalDate.of(number(at, 0, 4), number(at, 5, 7), number(at, 8, 10)).toEpochDay();
        return day * 24 * 60 + number(at, 11, 13) * 60L + number(at, 14, 16);
    }

    private static int number(String text, int from, int to) {
        return Integer.parseInt(text, from, to, 10);
    }
}

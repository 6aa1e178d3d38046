package io.enrollflow.redis;

/**
 * Every Redis key enrollflow uses, named in one place. The task queue's key is a setting
 * ({@code enrollflow.queue.key}); the status hash {@code enrollflow:task:<taskId>} is part of the contract (the
 * backend reads it); the rest is enrollflow's own.
 */
public final class RedisKeys {

    /** Prefix of the status hashes; move-due.lua builds hash names from it. */
    public static final String TASK_PREFIX = "enrollflow:task:";

    private final String queue;

    public RedisKeys(String queue) {
        this.queue = queue;
    }

    /** The list producers LPUSH tasks onto. */
    public String queue() {
        return queue;
    }

    /** A task's status hash (CONTRACT §3). */
    public String task(String taskId) {
        return TASK_PREFIX + taskId;
    }

    /** A task's transitions, newest first, capped at enrollflow.status.history-size. */
    public String history(String taskId) {
        return TASK_PREFIX + taskId + ":history";
    }

    /** Held (value: instance id) while an instance works on the task, so a second push of it is not run twice. */
    public String claim(String taskId) {
        return "enrollflow:claim:" + taskId;
    }

    /** The tasks an instance has taken and not yet decided (its reliable-take list). */
    public static String processing(String instanceId) {
        return "enrollflow:processing:" + instanceId;
    }

    /** Prefix of the instances' heartbeat keys (claim.lua checks a claim's owner is alive with it). */
    public static final String HEARTBEAT_PREFIX = "enrollflow:instance:";

    /** An instance's heartbeat: present (with a TTL) while the instance lives. */
    public static String heartbeat(String instanceId) {
        return HEARTBEAT_PREFIX + instanceId;
    }

    /** The ids of the instances that may hold tasks: where the reaper looks for dead ones. */
    public String instances() {
        return "enrollflow:instances";
    }

    /** Task ids waiting for their next attempt, scored by due time (epoch ms). */
    public String retries() {
        return "enrollflow:retries";
    }

    /** Dead-letter records (JSON) by task id. */
    public String deadLetters() {
        return "enrollflow:dead-letters";
    }

    /** Dead-letter task ids scored by their last failure (epoch ms): the listing order. */
    public String deadLetterIndex() {
        return "enrollflow:dead-letters:index";
    }

    /** The raw payload of each dead-lettered task, exactly as received: what a replay pushes back. */
    public String deadLetterPayloads() {
        return "enrollflow:dead-letters:payloads";
    }

    /** Present (value: when, ISO-8601) while intake is paused for every instance on this Redis. */
    public String intakePaused() {
        return "enrollflow:intake:paused";
    }

    /** Counter behind the {@code invalid-<n>} ids of payloads that have no usable task id. */
    public String invalidSequence() {
        return "enrollflow:invalid-seq";
    }

    /** Tasks completed in one minute (epoch minute), fleet-wide: a counter with a TTL (the console's chart). */
    public String completedInMinute(long epochMinute) {
        return "enrollflow:stats:completed:" + epochMinute;
    }

    /** Tasks dead-lettered in one minute (epoch minute), fleet-wide: a counter with a TTL (the console's chart). */
    public String failedInMinute(long epochMinute) {
        return "enrollflow:stats:failed:" + epochMinute;
    }

    /** The ids of the tasks taken with this orderId (a set): the console's search by orderId. */
    public String orderTasks(String orderId) {
        return "enrollflow:order:" + orderId;
    }

    /** An instance's details (JSON: host, startedAt, concurrency), living as long as its heartbeat. */
    public String instanceDetails(String instanceId) {
        return "enrollflow:instance-details:" + instanceId;
    }

    /** A console session (value: role and CSRF token), by the SHA-256 of its cookie; expires with the session. */
    public String consoleSession(String sessionHash) {
        return "enrollflow:console:session:" + sessionHash;
    }

    /** Dead-letter ids of one reason, scored like {@link #deadLetterIndex()}: a page of one reason in one read. */
    public String deadLetterReasonIndex(String reason) {
        return "enrollflow:dead-letters:reason:" + reason;
    }

    /** Dead-letter ids of one stage, scored like {@link #deadLetterIndex()}. */
    public String deadLetterStageIndex(String stage) {
        return "enrollflow:dead-letters:stage:" + stage;
    }

    /** Every reason and stage index: what a script that removes a record cleans (it cannot name them itself). */
    public java.util.List<String> deadLetterFilterIndexes() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (io.enrollflow.task.FailureReason reason : io.enrollflow.task.FailureReason.values()) {
            out.add(deadLetterReasonIndex(reason.word()));
        }
        for (io.enrollflow.task.Stage stage : io.enrollflow.task.Stage.values()) {
            out.add(deadLetterStageIndex(stage.word()));
        }
        return out;
    }
}

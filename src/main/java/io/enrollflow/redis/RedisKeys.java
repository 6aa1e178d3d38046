package io.enrollflow.redis;

import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;

/**
 * Every Redis key enrollflow uses, named in one place and all starting with {@code <namespace>:}
 * ({@code enrollflow.redis.namespace}, default {@code enrollflow}), so two fleets with different namespaces on one Redis
 * share nothing (docs/contract.md §1). A namespace that is a hash tag ({@code {enrollflow}}) puts every key in one Redis
 * Cluster slot, which is what lets each Lua script touch several of them. Scripts receive their keys from here (KEYS,
 * or a prefix in ARGV built here); none builds a key name of its own.
 * <p>
 * The task queue ({@code enrollflow.queue.key}, empty = {@code <namespace>:tasks}) and the status hash
 * {@code <namespace>:task:<taskId>} are part of the contract (the backend pushes to the one and reads the other);
 * the rest is enrollflow's own.
 */
public final class RedisKeys {

    /** The setting naming the namespace. */
    public static final String NAMESPACE_KEY = RedisSettings.NAMESPACE;
    /** The setting naming the task queue. */
    public static final String QUEUE_KEY = RedisSettings.QUEUE_KEY;

    private final String ns;
    private final String queue;

    /**
     * @param namespace the start of every key (without the trailing {@code :})
     * @param queue     the task queue's key; null or empty for {@code <namespace>:tasks}
     */
    public RedisKeys(String namespace, String queue) {
        this.ns = namespace;
        this.queue = queue == null || queue.isEmpty() ? namespace + ":tasks" : queue;
    }

    /** The keys of application.properties' default namespace and queue (tests and tools that start no runtime). */
    public static RedisKeys defaults() {
        return from(RedisSettings.from(Settings.bundled()));
    }

    /**
     * The keys the settings name (the namespace checked there). A queue named outside the namespace is accepted
     * (the producer's key is the backend's choice); on Redis Cluster it must carry the
     * namespace's hash tag (checked where Cluster is set up).
     */
    public static RedisKeys from(RedisSettings settings) {
        return new RedisKeys(settings.namespace(), settings.queueKey());
    }

    /** The namespace every key starts with. */
    public String namespace() {
        return ns;
    }

    /**
     * True when the namespace holds a Redis Cluster hash tag (a non-empty {@code {...}} at its first {@code {}): then
     * Cluster hashes only that part of every key, and all of enrollflow's keys share one slot.
     */
    public boolean isHashTagged() {
        return hashTag(ns) != null;
    }

    /** True when the queue hashes to the namespace's Cluster slot (a queue named outside the namespace may not). */
    public boolean queueSharesTheSlot() {
        return hashTag(ns) != null && hashTag(ns).equals(hashTag(queue));
    }

    /** The part of a key Redis Cluster hashes: what lies between its first '{' and the next '}', when not empty. */
    private static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : null;
    }

    /**
     * A key that is never written: a script's KEYS entry for "no such key" (a task with no usable id has no status hash
     * or claim). It lies in the namespace, so on Redis Cluster it shares the slot of the script's other keys, which an
     * empty name would not.
     */
    public String none() {
        return ns + ":none";
    }

    /** The list producers LPUSH tasks onto. */
    public String queue() {
        return queue;
    }

    /** Prefix of the status hashes (move-due.lua builds a due task's hash name from it). */
    public String taskPrefix() {
        return ns + ":task:";
    }

    /** A task's status hash (docs/contract.md §3). */
    public String task(String taskId) {
        return taskPrefix() + taskId;
    }

    /** A task's transitions, newest first, capped at enrollflow.status.history-size. */
    public String history(String taskId) {
        return taskPrefix() + taskId + ":history";
    }

    /** Held (value: instance id) while an instance works on the task, so a second push of it is not run twice. */
    public String claim(String taskId) {
        return ns + ":claim:" + taskId;
    }

    /** A counter INCRed by every claim: the first part of each claim's fencing token, so no two claims hold the same. */
    public String claimSequence() {
        return ns + ":claim-seq";
    }

    /** The tasks an instance has taken and not yet decided (its reliable-take list). */
    public String processing(String instanceId) {
        return ns + ":processing:" + instanceId;
    }

    /** Prefix of the instances' heartbeat keys (claim.lua checks a claim's owner is alive with it). */
    public String heartbeatPrefix() {
        return ns + ":instance:";
    }

    /** An instance's heartbeat: present (with a TTL) while the instance lives. */
    public String heartbeat(String instanceId) {
        return heartbeatPrefix() + instanceId;
    }

    /** The ids of the instances that may hold tasks: where the reaper looks for dead ones. */
    public String instances() {
        return ns + ":instances";
    }

    /** Task ids waiting for their next attempt, scored by due time (epoch ms). */
    public String retries() {
        return ns + ":retries";
    }

    /** Dead-letter records (JSON) by task id. */
    public String deadLetters() {
        return ns + ":dead-letters";
    }

    /** Dead-letter task ids scored by their last failure (epoch ms): the listing order. */
    public String deadLetterIndex() {
        return ns + ":dead-letters:index";
    }

    /**
     * Prefix of the per-reason dead-letter indexes (+ reason word), scored like {@link #deadLetterIndex()}. A script
     * that removes a record learns its reason from the record, so it gets this prefix in ARGV (with a hash-tag
     * namespace the index shares the record's slot).
     */
    public String deadLetterReasonPrefix() {
        return ns + ":dead-letters:reason:";
    }

    /** Prefix of the per-stage dead-letter indexes (+ stage word); see {@link #deadLetterReasonPrefix()}. */
    public String deadLetterStagePrefix() {
        return ns + ":dead-letters:stage:";
    }

    /** Prefix of the per-stage-and-reason dead-letter indexes (+ stage + ':' + reason); see {@link #deadLetterReasonPrefix()}. */
    public String deadLetterStageReasonPrefix() {
        return ns + ":dead-letters:stage-reason:";
    }

    /**
     * The index listing exactly the dead letters of this stage and reason (null = any), newest last, scored by the last
     * failure (epoch ms): the whole index, one per reason, one per stage, or one per pair.
     */
    public String deadLetterIndex(String stage, String reason) {
        if (stage == null && reason == null) {
            return deadLetterIndex();
        }
        if (stage == null) {
            return deadLetterReasonPrefix() + reason;
        }
        if (reason == null) {
            return deadLetterStagePrefix() + stage;
        }
        return deadLetterStageReasonPrefix() + stage + ":" + reason;
    }

    /**
     * Present once the dead letters written before the per-reason and per-stage indexes existed have been indexed
     * (value: the index layout's version); see {@code DeadLetterStore.indexExisting}.
     */
    public String deadLetterIndexesBuilt() {
        return ns + ":dead-letters:indexed";
    }

    /** The raw payload of each dead-lettered task, exactly as received: what a replay pushes back. */
    public String deadLetterPayloads() {
        return ns + ":dead-letters:payloads";
    }

    /** Present (value: when, ISO-8601) while intake is paused for every instance of this namespace. */
    public String intakePaused() {
        return ns + ":intake:paused";
    }

    /** Counter behind the {@code invalid-<n>} ids of payloads that have no usable task id. */
    public String invalidSequence() {
        return ns + ":invalid-seq";
    }

    /** Tasks completed in one minute (epoch minute), fleet-wide: a counter with a TTL (the console's chart). */
    public String completedInMinute(long epochMinute) {
        return ns + ":stats:completed:" + epochMinute;
    }

    /** Tasks dead-lettered in one minute (epoch minute), fleet-wide: a counter with a TTL (the console's chart). */
    public String failedInMinute(long epochMinute) {
        return ns + ":stats:failed:" + epochMinute;
    }

    /** The ids of the tasks taken with this orderId (a set): the console's search by orderId. */
    public String orderTasks(String orderId) {
        return ns + ":order:" + orderId;
    }

    /** An instance's details (JSON: host, startedAt, concurrency), living as long as its heartbeat. */
    public String instanceDetails(String instanceId) {
        return ns + ":instance-details:" + instanceId;
    }

    /** A console session (value: role and CSRF token), by the SHA-256 of its cookie; expires with the session. */
    public String consoleSession(String sessionHash) {
        return ns + ":console:session:" + sessionHash;
    }

    /** Fleet-wide limits (docs/contract.md §12): the enrollment calls of the current window, scored by Redis time (µs). */
    public String enrollRateLog() {
        return ns + ":limit:enroll-rate";
    }

    /** Download permits in use: one lease per running download, scored by its expiry (Redis time, ms). */
    public String downloadPermits() {
        return ns + ":limit:download-permits";
    }

    /** Drive uploads of the last 24 h: task id scored by when its bytes were reserved (Redis time, ms). */
    public String uploadLog() {
        return ns + ":limit:upload-log";
    }

    /** The bytes each task of {@link #uploadLog()} reserved. */
    public String uploadBytes() {
        return ns + ":limit:upload-bytes";
    }

    /** The sum of {@link #uploadBytes()}: the fleet's Drive bytes of the last 24 h. */
    public String uploadTotal() {
        return ns + ":limit:upload-total";
    }

    /** Present (with a TTL: the pause's length) while Drive asked the fleet to slow down. */
    public String drivePause() {
        return ns + ":limit:drive-pause";
    }

    /** Present (JSON: since, detail) while Drive's token endpoint refuses the fleet's credentials. */
    public String driveSignInRefused() {
        return ns + ":drive:sign-in-refused";
    }
}

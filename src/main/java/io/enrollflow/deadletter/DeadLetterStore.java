package io.enrollflow.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.task.TaskParser;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dead letters (CONTRACT §6): a JSON record per failed task in one hash keyed by task id, an index scored by the
 * last failure for listing newest first, and the raw payloads for replay. Writing a record also marks the task failed
 * and releases it from its processing list, in one Lua step (dead-letter.lua). Records are never dropped: past
 * {@code enrollflow.dead-letter.warn-size} each new one logs a WARN.
 */
public class DeadLetterStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final StatusStore status;
    private final int warnSize;
    /** Ids per purge.lua call: bounds one script's run time (Redis serves nothing else meanwhile). */
    private static final int PURGE_BATCH = 500;

    public DeadLetterStore(RedissonClient redis, RedisScripts scripts, RedisKeys keys, StatusStore status, int warnSize) {
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.status = status;
        this.warnSize = warnSize;
    }

    /**
     * Dead-letters the run: its record, status failed (when it has a status hash), released from the processing list.
     *
     * @return the key of the record (the task id, or {@code invalid-<n>} for a payload without a usable one)
     */
    public String record(TaskRun run, Stage stage, FailureReason reason, String message) {
        String now = StatusStore.now();
        boolean hasHash = run.taskId() != null;
        String key = hasHash ? run.taskId()
                : "invalid-" + redis.getAtomicLong(keys.invalidSequence()).incrementAndGet();
        Map<String, String> hash = hasHash ? status.read(key) : Map.of();

        ObjectNode record = JSON.createObjectNode();
        record.put("taskId", key);
        record.set("task", payloadNode(run.raw()));
        record.put("stage", stage.word());
        record.put("reason", reason.word());
        record.put("message", message);
        record.put("attempts", Integer.parseInt(hash.getOrDefault("attempts", "1")));
        record.put("firstFailedAt", hash.getOrDefault("firstFailedAt", now));
        record.put("lastFailedAt", now);
        record.put("replays", Integer.parseInt(hash.getOrDefault("replays", "0")));
        if (run.downloadLogTail() != null) {
            record.put("log", run.downloadLogTail());
        }
        String id = hasHash ? key : "";
        long size = scripts.integer(Script.DEAD_LETTER,
                List.of(hasHash ? keys.task(id) : keys.none(), hasHash ? keys.history(id) : keys.none(),
                        hasHash ? keys.claim(id) : keys.none(),
                        run.processingList(), keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads()),
                now, status.historySize(), run.raw(), key, record.toString(), Instant.parse(now).toEpochMilli(),
                stage.word(), reason.word(), message, cut(run.raw()), hasHash ? "1" : "0");
        run.markDecided();
        status.announce(new StatusChange(hasHash ? key : null, TaskStatus.FAILED, reason.word(), message, null, now));
        if (size > warnSize) {
            LOG.warn("task={} stage={} outcome=dead-lettered dead_letters={} warn_size={} "
                    + "note=\"dead letters are piling up; replay or purge them (dlq list)\"", key, stage.word(), size, warnSize);
        }
        return key;
    }

    /** The payload as received: its JSON when it is JSON, else its text (cut at the intake limit). */
    private static JsonNode payloadNode(String raw) {
        if (raw.length() <= TaskParser.MAX_PAYLOAD_CHARS) {
            try {
                return JSON.readTree(raw);
            } catch (Exception notJson) {
                // not JSON: keep the text as it came
            }
        }
        return JSON.getNodeFactory().textNode(cut(raw));
    }

    private static String cut(String raw) {
        return raw.length() > TaskParser.MAX_PAYLOAD_CHARS ? raw.substring(0, TaskParser.MAX_PAYLOAD_CHARS) : raw;
    }

    /** One record, or null. */
    public DeadLetter get(String taskId) {
        Object json = redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).get(taskId);
        return json == null ? null : DeadLetter.parse(String.valueOf(json));
    }

    /** Records newest first, filtered by stage and reason (null = any), at most {@code limit}. */
    public List<DeadLetter> list(String stage, String reason, int limit) {
        Collection<Object> newestFirst = redis.getScoredSortedSet(keys.deadLetterIndex(), StringCodec.INSTANCE)
                .valueRangeReversed(0, -1);
        Set<Object> ids = new LinkedHashSet<>(newestFirst);
        Map<Object, Object> records = redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).getAll(ids);
        List<DeadLetter> out = new ArrayList<>();
        for (Object id : ids) {
            Object json = records.get(id);
            if (json == null) {
                continue;
            }
            DeadLetter letter = DeadLetter.parse(String.valueOf(json));
            if ((stage == null || stage.equals(letter.stage())) && (reason == null || reason.equals(letter.reason()))) {
                out.add(letter);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** How many records there are. */
    public int size() {
        return redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).size();
    }

    /** Every record's id, newest first. */
    public List<String> ids() {
        return redis.getScoredSortedSet(keys.deadLetterIndex(), StringCodec.INSTANCE).valueRangeReversed(0, -1)
                .stream().map(String::valueOf).toList();
    }

    /**
     * Removes records with their stored payloads and index entries (purge.lua); the tasks' status hashes stay
     * {@code failed}. Returns the ids that had a record.
     */
    public List<String> purge(Collection<String> ids) {
        List<String> purged = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            batch.add(id);
            if (batch.size() == PURGE_BATCH) {
                purged.addAll(purgeBatch(batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            purged.addAll(purgeBatch(batch));
        }
        return purged;
    }

    private List<String> purgeBatch(List<String> ids) {
        List<Object> removed = scripts.list(Script.PURGE,
                List.of(keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads()), ids.toArray());
        return removed.stream().map(String::valueOf).toList();
    }
}

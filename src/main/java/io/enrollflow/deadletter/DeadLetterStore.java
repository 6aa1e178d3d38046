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
                List.of(hasHash ? keys.task(id) : "", hasHash ? keys.history(id) : "", hasHash ? keys.claim(id) : "",
                        run.processingList(), keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads(),
                        keys.failedInMinute(Instant.parse(now).getEpochSecond() / 60),
                        keys.deadLetterReasonIndex(reason.word()), keys.deadLetterStageIndex(stage.word())),
                now, status.historySize(), run.raw(), key, record.toString(), Instant.parse(now).toEpochMilli(),
                stage.word(), reason.word(), message, cut(run.raw()));
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
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads()));
        scriptKeys.addAll(keys.deadLetterFilterIndexes());
        List<Object> removed = scripts.list(Script.PURGE, scriptKeys, ids.toArray());
        return removed.stream().map(String::valueOf).toList();
    }

    /** Ids read per round trip when a filter must look at records (scans, replay and purge by filter). */
    private static final int SCAN_BATCH = 500;
    /** Most records one page request looks at when a filter must read them: keeps a page fast at any size. */
    private static final int PAGE_SCAN_BUDGET = 5_000;

    /** The sorted index a filter reads: its reason's, else its stage's, else the one of all records. */
    private String indexOf(DeadLetterFilter filter) {
        if (filter.reason() != null) {
            return keys.deadLetterReasonIndex(filter.reason());
        }
        if (filter.stage() != null) {
            return keys.deadLetterStageIndex(filter.stage());
        }
        return keys.deadLetterIndex();
    }

    /** Ids of an index by rank (0 = oldest, or newest when {@code newestFirst}), inclusive. */
    private List<String> idsByRank(String index, boolean newestFirst, long from, long to) {
        var set = redis.getScoredSortedSet(index, StringCodec.INSTANCE);
        Collection<Object> ids = newestFirst ? set.valueRangeReversed((int) from, (int) to) : set.valueRange((int) from, (int) to);
        return ids.stream().map(String::valueOf).toList();
    }

    /** The records of these ids, in their order; ids without a record (stale index entries) are left out. */
    private List<DeadLetter> records(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Object, Object> json = redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).getAll(new LinkedHashSet<>(ids));
        List<DeadLetter> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Object text = json.get(id);
            if (text != null) {
                out.add(DeadLetter.parse(String.valueOf(text)));
            }
        }
        return out;
    }

    /**
     * One page of the records this filter matches, newest first. Without a text filter (and with at most one of
     * reason and stage) it reads one page of an index and those records; otherwise it scans newest first and looks
     * at {@link #PAGE_SCAN_BUDGET} records at most.
     */
    public DeadLetterPage page(DeadLetterFilter filter, int offset, int limit) {
        String index = indexOf(filter);
        if (!filter.needsRecords()) {
            long total = redis.getScoredSortedSet(index, StringCodec.INSTANCE).size();
            return new DeadLetterPage(records(idsByRank(index, true, offset, (long) offset + limit - 1)), total, offset, limit);
        }
        List<DeadLetter> page = new ArrayList<>();
        long matched = 0;
        long examined = 0;
        boolean reachedEnd = false;
        while (examined < PAGE_SCAN_BUDGET) {
            List<String> ids = idsByRank(index, true, examined, examined + SCAN_BATCH - 1);
            examined += ids.size();
            for (DeadLetter letter : records(ids)) {
                if (filter.matches(letter)) {
                    if (matched >= offset && page.size() < limit) {
                        page.add(letter);
                    }
                    matched++;
                }
            }
            if (ids.size() < SCAN_BATCH) {
                reachedEnd = true;
                break;
            }
        }
        return new DeadLetterPage(page, reachedEnd ? matched : -1, offset, limit);
    }

    /** How many records this filter matches: exact (a filter on record fields scans in batches). */
    public long count(DeadLetterFilter filter) {
        String index = indexOf(filter);
        if (!filter.needsRecords()) {
            return redis.getScoredSortedSet(index, StringCodec.INSTANCE).size();
        }
        long matched = 0;
        for (long from = 0; ; from += SCAN_BATCH) {
            List<String> ids = idsByRank(index, true, from, from + SCAN_BATCH - 1);
            matched += records(ids).stream().filter(filter::matches).count();
            if (ids.size() < SCAN_BATCH) {
                return matched;
            }
        }
    }

    /** Records by reason word (every reason, zeros included), one pipelined round trip. */
    public Map<String, Long> countByReason() {
        var batch = redis.createBatch();
        List<org.redisson.api.RFuture<Integer>> sizes = new ArrayList<>();
        for (FailureReason reason : FailureReason.values()) {
            sizes.add(batch.getScoredSortedSet(keys.deadLetterReasonIndex(reason.word()), StringCodec.INSTANCE).sizeAsync());
        }
        batch.execute();
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        FailureReason[] reasons = FailureReason.values();
        for (int i = 0; i < reasons.length; i++) {
            out.put(reasons[i].word(), (long) sizes.get(i).toCompletableFuture().join());
        }
        return out;
    }

    /**
     * Walks the records a filter matches, oldest first, handing each batch's matching ids to {@code action}, which
     * removes them (replay or purge) and returns how many it removed; at most {@code most} are handed over in all, so
     * records that fail again meanwhile are not taken twice. Never holds more than one batch.
     */
    long forEachMatching(DeadLetterFilter filter, long most, java.util.function.ToIntFunction<List<String>> action) {
        String index = indexOf(filter);
        long position = 0;
        long done = 0;
        while (done < most) {
            List<String> ids = idsByRank(index, false, position, position + SCAN_BATCH - 1);
            if (ids.isEmpty()) {
                break;
            }
            List<String> matching = new ArrayList<>();
            for (DeadLetter letter : records(ids)) {
                if (filter.matches(letter) && done + matching.size() < most) {
                    matching.add(letter.taskId());
                }
            }
            int removed = matching.isEmpty() ? 0 : action.applyAsInt(matching);
            done += removed;
            // the removed ones left the index: the rest of this batch now starts at position + (batch - removed)
            position += ids.size() - removed;
        }
        return done;
    }
}

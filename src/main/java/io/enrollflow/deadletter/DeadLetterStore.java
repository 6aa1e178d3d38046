package io.enrollflow.deadletter;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisFailures;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The dead letters (docs/contract.md §6): a JSON record per failed task in one hash keyed by task id, the raw payloads for
 * replay, and sorted sets scored by the last failure (epoch ms) that list them newest first: one of every record, one
 * per reason, one per stage and one per stage-and-reason pair. Any filter by reason and stage is thus one index, and a
 * page is one {@code ZREVRANGE} of it plus the page's records, whatever the number of records (docs/contract.md §6 "listing
 * costs one page"). The indexes are kept by the scripts that write and remove records (dead-letter.lua, replay.lua,
 * purge.lua, and claim.lua when a failed task starts again), in the same step as the record; records written before the
 * indexes existed are filed once by {@link #indexExisting()} at start.
 * <p>
 * Writing a record also marks the task failed and releases it from its processing list, in one Lua step
 * (dead-letter.lua). Past {@code enrollflow.dead-letter.warn-size} records each new one logs a WARN; {@link DeadLetterTrim}
 * bounds them by age and count.
 */
public class DeadLetterStore {

    private static final Logger LOG = LogManager.getLogger(DeadLetterStore.class);

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final StatusStore status;
    private final int warnSize;
    /** The largest page a listing (CLI, API) asks for. */
    public static final int MAX_LIMIT = 1000;
    /** The largest offset a listing asks for: far past any real backlog, small enough to stay a plain int. */
    public static final int MAX_OFFSET = 10_000_000;
    /** Records per read when a text filter or the one-time indexing walks the records: a few hundred KiB at most. */
    static final int SCAN_BATCH = 500;
    /**
     * How many records, newest first, a page with a text filter reads at most. A text is not indexed, so finding it
     * means reading records; this bound keeps a page view at about twenty reads of {@link #SCAN_BATCH} (a few MiB,
     * well under a second) however many records there are. Narrow with a reason or stage to reach further back;
     * {@link #count} and replay or purge by filter read every record, in batches.
     */
    public static final int TEXT_SCAN_LIMIT = 10_000;

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
     * @throws ClaimLostException when the task was taken over (the claim holds another token): nothing was written
     */
    public String record(TaskRun run, Stage stage, FailureReason reason, String message) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String now = at.toString(); // as StatusStore.now() writes it
        boolean hasHash = run.taskId() != null;
        String key = hasHash ? run.taskId()
                : "invalid-" + redis.getAtomicLong(keys.invalidSequence()).incrementAndGet();
        Map<String, String> hash = hasHash ? readStatus(key) : Map.of();

        String record = DeadLetterJson.record(key, run, stage, reason, message, hash, now);
        String id = hasHash ? key : "";
        if (run.fenced()) {
            throw new ClaimLostException(key, "fenced in this instance");
        }
        long size = scripts.integer(Script.DEAD_LETTER,
                List.of(hasHash ? keys.task(id) : keys.none(), hasHash ? keys.history(id) : keys.none(),
                        hasHash ? keys.claim(id) : keys.none(),
                        run.processingList(), keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads(),
                        keys.deadLetterIndex(null, reason.word()), keys.deadLetterIndex(stage.word(), null),
                        keys.deadLetterIndex(stage.word(), reason.word()),
                        keys.failedInMinute(at.getEpochSecond() / 60)),
                now, status.historySize(), run.raw(), key, record, at.toEpochMilli(),
                stage.word(), reason.word(), message, DeadLetterJson.cut(run.raw()),
                keys.deadLetterReasonPrefix(), keys.deadLetterStagePrefix(), keys.deadLetterStageReasonPrefix(),
                run.claimToken(), hasHash ? "1" : "0");
        if (size < 0) {
            run.fence();
            throw new ClaimLostException(key, "Redis refused its dead letter");
        }
        run.markDecided();
        status.announce(new StatusChange(hasHash ? key : null, TaskStatus.FAILED, reason.word(), message, null, now));
        if (size > warnSize) {
            Event.warn(LOG).task(key).stage(stage.word()).outcome("dead-lettered").kv("dead_letters", size)
                    .kv("warn_size", warnSize).note("dead letters are piling up; replay or purge them (dlq list)")
                    .log();
        }
        return key;
    }

    /** The task's status hash; empty when its key holds another type (dead-letter.lua replaces it). */
    private Map<String, String> readStatus(String taskId) {
        try {
            return status.read(taskId);
        } catch (RedisException e) {
            if (RedisFailures.isInfrastructure(e)) {
                throw e; // the run ends undecided; recovery requeues it
            }
            return Map.of();
        }
    }

    /** One record, or null. */
    public DeadLetter get(String taskId) {
        Object json = redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).get(taskId);
        return json == null ? null : DeadLetter.parse(String.valueOf(json));
    }

    /**
     * One page of the records that match, newest first. Without a text filter it reads one index range and the page's
     * records in one script (dead-letter-page.lua): the cost is the page's, whatever the number of records. With a
     * text filter it reads the filter's index (by reason and stage) newest first in batches of {@link #SCAN_BATCH}, keeping
     * the records that have the text, until the index's end or {@link #TEXT_SCAN_LIMIT} records read, whichever comes
     * first; {@code total} is then exact when the scan reached the end, -1 otherwise (and matches further back than the
     * bound are not found: narrow by reason or stage, or use {@link #count}).
     *
     * @param offset how many matching records to skip (0 = from the newest)
     * @param limit  the page size, at least 1
     */
    public DeadLetterPage page(DeadLetterFilter filter, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset " + offset + " and limit " + limit + ": offset >= 0, limit >= 1");
        }
        String index = index(filter);
        if (!filter.hasText()) {
            Slice slice = newestFirst(index, offset, limit);
            return new DeadLetterPage(slice.records(), slice.total(), offset, limit);
        }
        List<DeadLetter> page = new ArrayList<>();
        long matched = 0;
        long scanned = 0;
        boolean reachedEnd = false;
        while (scanned < TEXT_SCAN_LIMIT) {
            int batch = (int) Math.min(SCAN_BATCH, TEXT_SCAN_LIMIT - scanned);
            Slice slice = newestFirst(index, scanned, batch);
            for (DeadLetter letter : slice.records()) {
                if (filter.matchesText(letter)) {
                    if (matched >= offset && page.size() < limit) {
                        page.add(letter);
                    }
                    matched++;
                }
            }
            scanned += batch;
            if (scanned >= slice.total()) {
                reachedEnd = true;
                break;
            }
        }
        return new DeadLetterPage(page, reachedEnd ? matched : -1, offset, limit);
    }

    /**
     * How many records match. Without a text filter one ZCARD of the filter's index; with one, every record of that
     * index is read in batches of {@link #SCAN_BATCH} (exact, and as slow as the number of records: an operator's
     * question, not a page view's).
     */
    public long count(DeadLetterFilter filter) {
        String index = index(filter);
        if (!filter.hasText()) {
            return redis.getScoredSortedSet(index, StringCodec.INSTANCE).size();
        }
        long matched = 0;
        long scanned = 0;
        while (true) {
            Slice slice = newestFirst(index, scanned, SCAN_BATCH);
            matched += slice.records().stream().filter(filter::matchesText).count();
            scanned += SCAN_BATCH;
            if (scanned >= slice.total()) {
                return matched;
            }
        }
    }

    /** How many records each reason has, every reason named (0 included): one ZCARD per reason, in one round trip. */
    public Map<String, Long> countByReason() {
        RBatch batch = redis.createBatch();
        Map<String, RFuture<Integer>> sizes = new LinkedHashMap<>();
        for (FailureReason reason : FailureReason.values()) {
            sizes.put(reason.word(), batch.getScoredSortedSet(keys.deadLetterIndex(null, reason.word()),
                    StringCodec.INSTANCE).sizeAsync());
        }
        batch.execute();
        Map<String, Long> counts = new LinkedHashMap<>();
        sizes.forEach((reason, size) -> counts.put(reason, size.toCompletableFuture().join().longValue()));
        return counts;
    }

    /**
     * Files the records written before the per-reason and per-stage indexes existed (an upgrade) under those indexes,
     * once per namespace (see {@link DeadLetterIndexing#fileExisting}).
     *
     * @return how many records were filed (0 when it was done before)
     */
    public long indexExisting() {
        return DeadLetterIndexing.fileExisting(redis, scripts, keys, prefixes());
    }

    /** The prefixes of the per-reason, per-stage and per-pair indexes, as the removing scripts take them in ARGV. */
    List<Object> prefixes() {
        return List.of(keys.deadLetterReasonPrefix(), keys.deadLetterStagePrefix(), keys.deadLetterStageReasonPrefix());
    }

    /** The index that lists exactly the filter's reason and stage. */
    String index(DeadLetterFilter filter) {
        return keys.deadLetterIndex(filter.stage(), filter.reason());
    }

    /** Records of ranks offset.. of an index, newest first, and the index's size; one script, one round trip. */
    private Slice newestFirst(String index, long offset, int count) {
        List<Object> reply = scripts.list(Script.DEAD_LETTER_PAGE, List.of(index, keys.deadLetters()), offset, count);
        List<DeadLetter> records = new ArrayList<>(reply.size() - 1);
        for (Object json : reply.subList(1, reply.size())) {
            records.add(DeadLetter.parse(String.valueOf(json)));
        }
        return new Slice(records, ((Number) reply.get(0)).longValue());
    }

    private record Slice(List<DeadLetter> records, long total) {
    }

    /** The newest score of an index (epoch ms), or null when it is empty: where a walk oldest first stops. */
    Double newestScore(String index) {
        return redis.getScoredSortedSet(index, StringCodec.INSTANCE).lastScore();
    }

    /**
     * Up to {@code count} ids of an index scored at most {@code upTo}, oldest first, from rank {@code skip} of those,
     * with their records (an id whose record went meanwhile has none): one batch of a replay or purge by filter.
     */
    OldestFirst oldestFirst(String index, double upTo, int skip, int count) {
        List<String> ids = redis.getScoredSortedSet(index, StringCodec.INSTANCE)
                .valueRange(Double.NEGATIVE_INFINITY, true, upTo, true, skip, count)
                .stream().map(String::valueOf).toList();
        List<DeadLetter> records = new ArrayList<>(ids.size());
        if (!ids.isEmpty()) {
            Map<Object, Object> found = redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).getAll(new LinkedHashSet<>(ids));
            for (String id : ids) {
                Object json = found.get(id);
                if (json != null) {
                    records.add(DeadLetter.parse(String.valueOf(json)));
                }
            }
        }
        return new OldestFirst(ids.size(), records);
    }

    /** @param ids how many ids the index range held; @param records their records, oldest first */
    record OldestFirst(int ids, List<DeadLetter> records) {
    }
}

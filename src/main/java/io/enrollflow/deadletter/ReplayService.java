package io.enrollflow.deadletter;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reprocessing dead letters (docs/contract.md §6), for the CLI ({@code dlq replay|purge}) and the management API alike:
 * <ol>
 *   <li>replay: per task, replay.lua removes the record and LPUSHes the payload as received back onto the queue, with
 *       status {@code queued} and {@code replays} + 1, in one step — a crash cannot lose the task or leave it in both
 *       places; intake then starts it afresh (attempts from 1);</li>
 *   <li>purge: the record goes with its stored payload (purge.lua); the status hash stays {@code failed}.</li>
 * </ol>
 * Selections by filter ({@link #replayMatching}, {@link #purgeMatching}) walk the filter's index oldest first in
 * batches of {@link #BATCH}: each batch is read, then replayed one atomic step per task (or purged in one step), so
 * memory holds one batch whatever the number of records. The walk stops at the newest record that existed when it began:
 * a replayed task that fails again meanwhile is not replayed twice by the same call. A record that another operator
 * replayed meanwhile is simply not found.
 */
public class ReplayService {

    private static final Logger LOG = LogManager.getLogger(ReplayService.class);
    /**
     * Records per batch of a replay or purge by filter: a few hundred KiB of records in memory, and a purge.lua run
     * short enough not to hold Redis up for other clients.
     */
    public static final int BATCH = 300;
    /** Ids per purge.lua call: bounds one script's run time (Redis serves nothing else meanwhile). */
    private static final int PURGE_BATCH = 500;

    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final StatusStore status;
    private final DeadLetterStore deadLetters;

    /**
     * What a replay or purge of named ids did.
     *
     * @param done    the ids replayed (or purged), in the order asked
     * @param unknown the ids that had no dead-letter record
     */
    public record Outcome(List<String> done, List<String> unknown) {
    }

    public ReplayService(RedisScripts scripts, RedisKeys keys, StatusStore status, DeadLetterStore deadLetters) {
        this.scripts = scripts;
        this.keys = keys;
        this.status = status;
        this.deadLetters = deadLetters;
    }

    /** Replays these records, one atomic step each. */
    public Outcome replay(Collection<String> taskIds) {
        List<String> done = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String id : new LinkedHashSet<>(taskIds)) {
            (replayOne(id) ? done : unknown).add(id);
        }
        return new Outcome(done, unknown);
    }

    /** Replays every record the filter matches, oldest failure first, in batches; returns how many were replayed. */
    public long replayMatching(DeadLetterFilter filter) {
        return replayMatching(filter, letter -> { });
    }

    /**
     * Replays every record the filter matches, oldest failure first (they go back onto the queue in the order they
     * failed), in batches of {@link #BATCH}; {@code replayed} hears of each record replayed, as it was before the replay.
     *
     * @return how many were replayed
     */
    public long replayMatching(DeadLetterFilter filter, Consumer<DeadLetter> replayed) {
        return walk(filter, batch -> replayBatch(batch.stream().map(DeadLetter::taskId).toList()), replayed);
    }

    /** Removes every record the filter matches, in batches of {@link #BATCH}; returns how many were removed. */
    public long purgeMatching(DeadLetterFilter filter) {
        return purgeMatching(filter, letter -> { });
    }

    /** {@link #purgeMatching(DeadLetterFilter)}, telling {@code purged} of each record removed. */
    public long purgeMatching(DeadLetterFilter filter, Consumer<DeadLetter> purged) {
        return walk(filter, batch -> {
            Set<String> done = new HashSet<>(purgeRecords(batch.stream().map(DeadLetter::taskId).toList()));
            done.forEach(id -> Event.info(LOG).task(id).stage("dead-letter").outcome("purged").log());
            return done;
        }, purged);
    }

    /**
     * Walks the filter's index oldest first up to its newest score at the start, one batch at a time, and applies
     * {@code action} to the batch's records that have the filter's text. Acted-on records leave the index; the others
     * (no text match, gone, not replayable) stay in front, so the next batch starts after them ({@code skip}).
     */
    private long walk(DeadLetterFilter filter, Function<List<DeadLetter>, Set<String>> action, Consumer<DeadLetter> each) {
        String index = deadLetters.index(filter);
        Double newest = deadLetters.newestScore(index);
        if (newest == null) {
            return 0;
        }
        long done = 0;
        int skip = 0;
        while (true) {
            DeadLetterStore.OldestFirst batch = deadLetters.oldestFirst(index, newest, skip, BATCH);
            if (batch.ids() == 0) {
                return done;
            }
            List<DeadLetter> chosen = batch.records().stream().filter(filter::matchesText).toList();
            Set<String> acted = chosen.isEmpty() ? Set.of() : action.apply(chosen);
            chosen.stream().filter(letter -> acted.contains(letter.taskId())).forEach(each);
            done += acted.size();
            skip += batch.ids() - acted.size();
        }
    }

    /** Removes these records; returns which ids had one. */
    public Outcome purge(Collection<String> taskIds) {
        List<String> purged = purgeRecords(taskIds);
        List<String> unknown = new ArrayList<>(new LinkedHashSet<>(taskIds));
        unknown.removeAll(purged);
        purged.forEach(id -> Event.info(LOG).task(id).stage("dead-letter").outcome("purged").log());
        return new Outcome(purged, unknown);
    }

    private boolean replayOne(String id) {
        return replayBatch(List.of(id)).contains(id);
    }

    /**
     * replay.lua for each id, pipelined (one round trip for the batch; each replay atomic on its own, in the order
     * given); returns the ids replayed.
     */
    private Set<String> replayBatch(List<String> ids) {
        String at = StatusStore.now();
        List<List<Object>> keyLists = new ArrayList<>(ids.size());
        List<Object[]> argLists = new ArrayList<>(ids.size());
        for (String id : ids) {
            keyLists.add(List.of(keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads(), keys.queue(),
                    keys.task(id), keys.history(id)));
            argLists.add(new Object[] {id, at, status.historySize(), keys.deadLetterReasonPrefix(),
                    keys.deadLetterStagePrefix(), keys.deadLetterStageReasonPrefix()});
        }
        List<Long> results = scripts.integers(Script.REPLAY, keyLists, argLists);
        Set<String> replayed = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            long result = results.get(i);
            if (result == 0) {
                continue;
            }
            String id = ids.get(i);
            replayed.add(id);
            Event.info(LOG).task(id).stage("dead-letter").outcome("replayed").note("back on the queue").log();
            if (result == 2) {
                status.announce(new StatusChange(id, TaskStatus.QUEUED, null, "replayed", null, at));
            }
        }
        return replayed;
    }

    /**
     * Removes records with their stored payloads and index entries (purge.lua); the tasks' status hashes stay
     * {@code failed}. Returns the ids that had a record.
     */
    private List<String> purgeRecords(Collection<String> ids) {
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
        List<Object> args = new ArrayList<>(deadLetters.prefixes());
        args.addAll(ids);
        List<Object> removed = scripts.list(Script.PURGE,
                List.of(keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads()), args.toArray());
        return removed.stream().map(String::valueOf).toList();
    }
}

package io.enrollflow.deadletter;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Reprocessing dead letters (CONTRACT §6), for the CLI ({@code dlq replay|purge}) and the management API alike:
 * <ol>
 *   <li>replay: per task, replay.lua removes the record and LPUSHes the payload as received back onto the queue, with
 *       status {@code queued} and {@code replays} + 1, in one step — a crash cannot lose the task or leave it in both
 *       places; intake then starts it afresh (attempts from 1);</li>
 *   <li>purge: the record goes with its stored payload (purge.lua); the status hash stays {@code failed}.</li>
 * </ol>
 * Selections by stage and reason are read from the records first, then replayed one atomic step per task: a record
 * that another operator replayed meanwhile is simply not found.
 */
public class ReplayService {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayService.class);

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

    /** Replays every record of this stage and reason (null = any), oldest failure first; returns the ids replayed. */
    public List<String> replayMatching(String stage, String reason) {
        List<String> matching = new ArrayList<>(deadLetters.list(stage, reason, Integer.MAX_VALUE).stream()
                .map(DeadLetter::taskId).toList());
        // oldest first: they go back onto the queue in the order they failed
        java.util.Collections.reverse(matching);
        return replay(matching).done();
    }

    /** Removes these records; returns which ids had one. */
    public Outcome purge(Collection<String> taskIds) {
        List<String> purged = deadLetters.purge(taskIds);
        List<String> unknown = new ArrayList<>(new LinkedHashSet<>(taskIds));
        unknown.removeAll(purged);
        purged.forEach(id -> LOG.info("task={} stage=dead-letter outcome=purged", id));
        return new Outcome(purged, unknown);
    }

    /** Removes every record; returns the ids removed. */
    public List<String> purgeAll() {
        return purge(deadLetters.ids()).done();
    }

    private boolean replayOne(String id) {
        String at = StatusStore.now();
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.deadLetters(), keys.deadLetterIndex(),
                keys.deadLetterPayloads(), keys.queue(), keys.task(id), keys.history(id)));
        scriptKeys.addAll(keys.deadLetterFilterIndexes());
        long result = scripts.integer(Script.REPLAY, scriptKeys, id, at, status.historySize());
        if (result == 0) {
            return false;
        }
        LOG.info("task={} stage=dead-letter outcome=replayed note=\"back on the queue\"", id);
        if (result == 2) {
            status.announce(new StatusChange(id, TaskStatus.QUEUED, null, "replayed", null, at));
        }
        return true;
    }

    /** Replays every record this filter matches, oldest first, in batches; returns how many. */
    public long replayMatching(DeadLetterFilter filter) {
        return deadLetters.forEachMatching(filter, deadLetters.count(filter), ids -> replay(ids).done().size());
    }

    /** Purges every record this filter matches, in batches; returns how many. */
    public long purgeMatching(DeadLetterFilter filter) {
        return deadLetters.forEachMatching(filter, deadLetters.count(filter), ids -> purge(ids).done().size());
    }
}

package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.status.Membership;
import io.enrollflow.task.TaskParser;
import io.enrollflow.task.TaskRun;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two halves of a {@link Recovery} round (steps 2 and 3 there), on its recovery thread only: the processing lists
 * of instances whose heartbeat expired go back to the queue, and so do the entries of this instance's own list that no
 * worker holds on two rounds in a row.
 */
final class Reaper {

    /** Recovery's logger: these lines are part of its rounds. */
    private static final Logger LOG = LogManager.getLogger(Recovery.class);

    private final RedissonClient redis;
    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final Membership membership;
    private final InFlight inFlight;
    /** Own processing-list entries no worker held on the last round: requeued if still so on this one. */
    private Set<String> suspectedOrphans = Set.of();

    Reaper(RedissonClient redis, RedisScripts scripts, RedisKeys keys, Membership membership, InFlight inFlight) {
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.membership = membership;
        this.inFlight = inFlight;
    }

    void reapDeadInstances() {
        Set<Object> instances = redis.getSet(keys.instances(), StringCodec.INSTANCE).readAll();
        for (Object other : instances) {
            String id = String.valueOf(other);
            if (id.equals(membership.instanceId())
                    || redis.getBucket(keys.heartbeat(id), StringCodec.INSTANCE).isExists()) {
                continue;
            }
            long moved = scripts.integer(Script.REAP,
                    List.of(keys.processing(id), keys.queue(), keys.instances(), keys.heartbeat(id)), id);
            if (moved > 0) {
                Event.warn(LOG).stage("recovery").outcome("reaped").kv("instance", id).kv("tasks", moved)
                        .note("its heartbeat expired; its tasks are back on the queue").log();
            }
        }
    }

    void requeueOrphans() {
        String instanceId = membership.instanceId();
        List<Object> held = redis.getList(keys.processing(instanceId), StringCodec.INSTANCE).readAll();
        Map<String, Integer> working = new HashMap<>();
        for (TaskRun run : inFlight.runs()) {
            working.merge(run.raw(), 1, Integer::sum);
        }
        Set<String> orphans = new HashSet<>();
        for (Object entry : held) {
            String raw = String.valueOf(entry);
            Integer count = working.get(raw);
            if (count != null && count > 0) {
                working.put(raw, count - 1);
            } else {
                orphans.add(raw);
            }
        }
        List<String> confirmed = new ArrayList<>();
        for (String raw : orphans) {
            if (suspectedOrphans.contains(raw)) {
                confirmed.add(raw);
            }
        }
        for (String raw : confirmed) {
            String taskId = TaskParser.peek(raw).taskId();
            long moved = scripts.integer(Script.REQUEUE_ORPHAN, List.of(keys.processing(instanceId), keys.queue(),
                    taskId == null ? keys.none() : keys.claim(taskId)), raw, membership.owner());
            if (moved > 0) {
                Event.warn(LOG).task(taskId).stage("recovery").outcome("requeued")
                        .note("its run ended without a recorded decision").log();
            }
            orphans.remove(raw);
        }
        suspectedOrphans = orphans;
    }
}

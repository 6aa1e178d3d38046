package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.redis.RedisKeys;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.enrollflow.console.ViewReads.join;
import static io.enrollflow.console.ViewReads.parse;
import static io.enrollflow.console.ViewReads.taskIdOf;

/**
 * What waits, as the console pages it: the queue oldest first and the retry schedule soonest first, each page in one or
 * two pipelined round trips; and "run now", which makes a scheduled retry due at once.
 */
final class WaitingView {

    /** A task waiting on the queue; position 1 is taken next. */
    record Waiting(long position, String taskId, String orderId, String payload) {
    }

    record Scheduled(String taskId, long dueMs, Map<String, String> status) {
    }

    record Page<T>(List<T> items, long total, int offset, int limit) {
    }

    private final RedissonClient redis;
    private final RedisKeys keys;

    WaitingView(RedissonClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** A page of the queue, oldest first (the end BLMOVE takes from). */
    Page<Waiting> queue(int offset, int limit) {
        RBatch batch = redis.createBatch();
        RFuture<Integer> size = batch.getList(keys.queue(), StringCodec.INSTANCE).sizeAsync();
        RFuture<List<Object>> range = batch.getList(keys.queue(), StringCodec.INSTANCE).rangeAsync(-(offset + limit), -(offset + 1));
        batch.execute();
        List<Object> raws = new ArrayList<>(join(range));
        long total = join(size);
        List<Waiting> out = new ArrayList<>();
        for (int i = raws.size() - 1; i >= 0; i--) {
            String raw = String.valueOf(raws.get(i));
            JsonNode node = parse(raw);
            out.add(new Waiting(offset + out.size() + 1L, taskIdOf(node), node == null ? "" : node.path("orderId").asText(""), raw));
        }
        return new Page<>(out, total, offset, limit);
    }

    /** A page of the retry schedule, soonest due first, with each task's status. */
    Page<Scheduled> retries(int offset, int limit) {
        RBatch batch = redis.createBatch();
        RFuture<Integer> size = batch.getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).sizeAsync();
        RFuture<Collection<org.redisson.client.protocol.ScoredEntry<Object>>> entries =
                batch.getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).entryRangeAsync(offset, offset + limit - 1);
        batch.execute();
        RBatch statuses = redis.createBatch();
        List<Map.Entry<String, Long>> due = new ArrayList<>();
        List<RFuture<Map<Object, Object>>> hashes = new ArrayList<>();
        for (var entry : join(entries)) {
            String id = String.valueOf(entry.getValue());
            due.add(Map.entry(id, entry.getScore().longValue()));
            hashes.add(statuses.getMap(keys.task(id), StringCodec.INSTANCE)
                    .getAllAsync(java.util.Set.of("stage", "reason", "message", "attempts", "orderId")));
        }
        if (!due.isEmpty()) {
            statuses.execute();
        }
        List<Scheduled> out = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
            Map<String, String> status = new LinkedHashMap<>();
            join(hashes.get(i)).forEach((k, v) -> status.put(String.valueOf(k), String.valueOf(v)));
            out.add(new Scheduled(due.get(i).getKey(), due.get(i).getValue(), status));
        }
        return new Page<>(out, join(size), offset, limit);
    }

    /** Makes a scheduled retry due now (the next mover round takes it); false when it is not scheduled. */
    boolean runNow(String taskId) {
        var schedule = redis.getScoredSortedSet(keys.retries(), StringCodec.INSTANCE);
        return schedule.addIfExists(System.currentTimeMillis(), taskId);
    }
}

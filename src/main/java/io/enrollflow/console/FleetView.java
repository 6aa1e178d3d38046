package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.delivery.drive.FleetDriveSignIn.Refusal;
import io.enrollflow.queue.IntakePause;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.StatusStore;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.enrollflow.console.ViewReads.join;
import static io.enrollflow.console.ViewReads.number;
import static io.enrollflow.console.ViewReads.parse;
import static io.enrollflow.console.ViewReads.str;
import static io.enrollflow.console.ViewReads.taskIdOf;

/**
 * What the console reads from Redis, each view in one or two pipelined round trips whatever the fleet's size: the
 * overview's numbers and per-minute chart, the live instances with their tasks in hand, one task, and the search by
 * taskId or orderId ({@link WaitingView} pages the queue and the retry schedule). Fleet-wide by construction: it reads only Redis.
 */
final class FleetView {

    /** Minutes the overview's chart covers. */
    static final int CHART_MINUTES = 180;

    record Overview(long queueDepth, long inFlight, long retries, long deadLetters, Map<String, Long> deadLettersByReason,
                    IntakePause.State intake, int instances, long[] completedPerMinute, long[] failedPerMinute,
                    long lastMinute, long downloadPermits, long drivePauseMillis, Refusal driveRefused,
                    WorkDisk lowestDisk) {
    }

    /** A live instance's work disk as its last heartbeat told it (the overview shows the fleet's fullest). */
    record WorkDisk(String host, long free, long minFree) {
        boolean low() {
            return free < minFree;
        }
    }

    /** A task in an instance's hands. */
    record Run(String taskId, String status, String stage, long elapsedMs) {
    }

    record Instance(String id, InstanceDetails details, long heartbeatAgeMs, boolean alive, List<Run> runs) {
    }

    record TaskView(String taskId, Map<String, String> status, List<JsonNode> history, DeadLetter deadLetter) {
        boolean exists() {
            return !status.isEmpty() || deadLetter != null;
        }
    }

    private final RedissonClient redis;
    private final RedisKeys keys;
    private final StatusStore statusStore;
    private final DeadLetterStore deadLetters;

    FleetView(RedissonClient redis, RedisKeys keys, StatusStore statusStore, DeadLetterStore deadLetters) {
        this.redis = redis;
        this.keys = keys;
        this.statusStore = statusStore;
        this.deadLetters = deadLetters;
    }

    Overview overview() {
        long minute = Instant.now().getEpochSecond() / 60;
        List<String> instanceIds = instanceIds();
        RBatch batch = redis.createBatch();
        RFuture<Integer> queue = batch.getList(keys.queue(), StringCodec.INSTANCE).sizeAsync();
        RFuture<Integer> retries = batch.getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).sizeAsync();
        RFuture<Integer> dead = batch.getMap(keys.deadLetters(), StringCodec.INSTANCE).sizeAsync();
        RFuture<Object> paused = batch.getBucket(keys.intakePaused(), StringCodec.INSTANCE).getAsync();
        // the fleet-wide limits (docs/contract.md §12): leases held (a lapsed one counts until the next acquire drops it) and
        // what is left of a Drive pause
        RFuture<Integer> permits = batch.getScoredSortedSet(keys.downloadPermits(), StringCodec.INSTANCE).sizeAsync();
        RFuture<Long> drivePause = batch.getBucket(keys.drivePause(), StringCodec.INSTANCE).remainTimeToLiveAsync();
        // present while Drive's token endpoint refuses the fleet's credentials (docs/contract.md §5)
        RFuture<Object> driveRefused = batch.getBucket(keys.driveSignInRefused(), StringCodec.INSTANCE).getAsync();
        List<RFuture<Integer>> held = new ArrayList<>();
        List<RFuture<Long>> beats = new ArrayList<>();
        List<RFuture<Object>> details = new ArrayList<>();
        for (String id : instanceIds) {
            held.add(batch.getList(keys.processing(id), StringCodec.INSTANCE).sizeAsync());
            beats.add(batch.getBucket(keys.heartbeat(id), StringCodec.INSTANCE).remainTimeToLiveAsync());
            details.add(batch.getBucket(keys.instanceDetails(id), StringCodec.INSTANCE).getAsync());
        }
        String[] chartKeys = new String[CHART_MINUTES * 2];
        for (int i = 0; i < CHART_MINUTES; i++) {
            chartKeys[i] = keys.completedInMinute(minute - CHART_MINUTES + 1 + i);
            chartKeys[CHART_MINUTES + i] = keys.failedInMinute(minute - CHART_MINUTES + 1 + i);
        }
        batch.execute();
        // the chart's 360 counters in one MGET (per slot on a cluster; a hash-tag namespace keeps them in one)
        Map<String, Object> counts = redis.getBuckets(StringCodec.INSTANCE).get(chartKeys);
        long inFlight = 0;
        int alive = 0;
        WorkDisk lowest = null;
        for (int i = 0; i < instanceIds.size(); i++) {
            if (join(beats.get(i)) > 0) {
                alive++;
                inFlight += join(held.get(i));
                InstanceDetails d = InstanceDetails.parse((String) join(details.get(i)));
                if (d != null && d.diskFree() >= 0 && (lowest == null || d.diskFree() - d.diskMinFree()
                        < lowest.free() - lowest.minFree())) {
                    lowest = new WorkDisk(d.host(), d.diskFree(), d.diskMinFree());
                }
            }
        }
        long[] completed = new long[CHART_MINUTES];
        long[] failed = new long[CHART_MINUTES];
        for (int i = 0; i < CHART_MINUTES; i++) {
            completed[i] = number(counts.get(chartKeys[i]));
            failed[i] = number(counts.get(chartKeys[CHART_MINUTES + i]));
        }
        Object since = join(paused);
        return new Overview(join(queue), inFlight, join(retries), join(dead), deadLetters.countByReason(),
                new IntakePause.State(since != null, since == null ? null : String.valueOf(since)), alive,
                completed, failed, minute, join(permits), Math.max(0, join(drivePause)),
                Refusal.parse(join(driveRefused)).orElse(null), lowest);
    }

    /** Every instance the fleet knows of, live ones with their tasks in hand (oldest claim first). */
    List<Instance> instances() {
        List<String> ids = instanceIds();
        RBatch batch = redis.createBatch();
        List<RFuture<Long>> beats = new ArrayList<>();
        List<RFuture<Object>> details = new ArrayList<>();
        List<RFuture<List<Object>>> held = new ArrayList<>();
        for (String id : ids) {
            beats.add(batch.getBucket(keys.heartbeat(id), StringCodec.INSTANCE).remainTimeToLiveAsync());
            details.add(batch.getBucket(keys.instanceDetails(id), StringCodec.INSTANCE).getAsync());
            held.add(batch.getList(keys.processing(id), StringCodec.INSTANCE).readAllAsync());
        }
        batch.execute();

        // second round trip: the status and recent history of every task in hand
        RBatch tasks = redis.createBatch();
        Map<String, RFuture<Map<Object, Object>>> statuses = new LinkedHashMap<>();
        Map<String, RFuture<List<Object>>> histories = new LinkedHashMap<>();
        List<List<String>> taskIds = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            List<String> inHand = new ArrayList<>();
            List<Object> raws = join(held.get(i));
            for (int j = raws.size() - 1; j >= 0; j--) {
                String taskId = taskIdOf(String.valueOf(raws.get(j)));
                if (taskId != null) {
                    inHand.add(taskId);
                    statuses.computeIfAbsent(taskId, id -> tasks.getMap(keys.task(id), StringCodec.INSTANCE)
                            .getAllAsync(java.util.Set.of("status", "stage")));
                    histories.computeIfAbsent(taskId, id -> tasks.getList(keys.history(id), StringCodec.INSTANCE).rangeAsync(0, 19));
                }
            }
            taskIds.add(inHand);
        }
        if (!statuses.isEmpty()) {
            tasks.execute();
        }
        long now = System.currentTimeMillis();
        List<Instance> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            long ttl = join(beats.get(i));
            InstanceDetails described = InstanceDetails.parse((String) join(details.get(i)));
            long age = ttl > 0 && described != null ? Math.max(0, described.heartbeatTtlMs() - ttl) : -1;
            List<Run> runs = new ArrayList<>();
            for (String taskId : taskIds.get(i)) {
                Map<Object, Object> status = join(statuses.get(taskId));
                runs.add(new Run(taskId, str(status.get("status")), str(status.get("stage")),
                        elapsedSinceClaim(join(histories.get(taskId)), now)));
            }
            out.add(new Instance(ids.get(i), described, age, ttl > 0, runs));
        }
        return out;
    }

    TaskView task(String taskId) {
        List<JsonNode> history = new ArrayList<>();
        for (String entry : statusStore.history(taskId)) {
            JsonNode node = parse(entry);
            if (node != null) {
                history.add(node);
            }
        }
        return new TaskView(taskId, statusStore.read(taskId), history, deadLetters.get(taskId));
    }

    /** Task ids for a search: the taskId itself when it has a status or a dead letter, plus every task of that orderId. */
    List<String> search(String query) {
        TreeSet<String> found = new TreeSet<>();
        if (redis.getMap(keys.task(query), StringCodec.INSTANCE).isExists()
                || redis.getMap(keys.deadLetters(), StringCodec.INSTANCE).containsKey(query)) {
            found.add(query);
        }
        for (Object id : redis.getSet(keys.orderTasks(query), StringCodec.INSTANCE).readAll()) {
            found.add(String.valueOf(id));
        }
        return new ArrayList<>(found);
    }

    private List<String> instanceIds() {
        return redis.getSet(keys.instances(), StringCodec.INSTANCE).readAll().stream().map(String::valueOf).sorted().toList();
    }

    /** Time since the run's claim: the newest 'processing' transition in the (newest-first) history; -1 if unknown. */
    private static long elapsedSinceClaim(List<Object> newestFirst, long now) {
        for (Object entry : newestFirst) {
            JsonNode node = parse(String.valueOf(entry));
            if (node != null && "processing".equals(node.path("status").asText())) {
                try {
                    return Math.max(0, now - Instant.parse(node.path("at").asText()).toEpochMilli());
                } catch (java.time.format.DateTimeParseException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}

package io.enrollflow.management;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.redis.ScriptArgsCodec;
import io.enrollflow.task.QueuedAt;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;

import java.util.ArrayList;
import java.util.List;

/**
 * The gauges operators page on that Redis holds for the whole fleet (docs/contract.md §8), read at each scrape by one
 * script (fleet-gauges.lua) in the scrape's one pipelined round trip, whatever the size of the queue or the schedule:
 * <ul>
 *   <li>{@code enrollflow_queue_latency_seconds}: how long the oldest waiting task has waited, from its
 *       {@code queuedAt} when it carries one, else from when a scrape first saw it (within one scrape interval); 0
 *       when the queue is empty;</li>
 *   <li>{@code enrollflow_retry_oldest_due_age_seconds}: how long the oldest retry has been due and not moved back
 *       to the queue; 0 when none is due;</li>
 *   <li>{@code enrollflow_instance_heartbeat_age_seconds{instance}}: each live instance's time since its last
 *       heartbeat.</li>
 * </ul>
 * Every instance reports the same values, on Redis's clock; while Redis cannot be read they are NaN and the per-instance
 * series go.
 */
final class FleetGauges {

    /** First-sight records the script keeps at most: a queue that does not move while tasks keep coming. */
    static final int MAX_FIRST_SIGHT_RECORDS = 10_000;

    private final RedisKeys keys;
    private final MultiGauge heartbeats;
    private volatile double queueLatency = Double.NaN;
    private volatile double retryDueAge = Double.NaN;

    FleetGauges(RedisKeys keys, MeterRegistry registry) {
        this.keys = keys;
        Gauge.builder("enrollflow.queue.latency", () -> queueLatency).baseUnit("seconds")
                .description("How long the oldest waiting task has waited (fleet-wide)").register(registry);
        Gauge.builder("enrollflow.retry.oldest.due.age", () -> retryDueAge).baseUnit("seconds")
                .description("How long the oldest due retry has been due (fleet-wide); 0 when none").register(registry);
        heartbeats = MultiGauge.builder("enrollflow.instance.heartbeat.age").baseUnit("seconds")
                .description("Time since each live instance's last heartbeat (fleet-wide)").register(registry);
    }

    /** Adds the script to the scrape's batch; {@link #read} takes its answer once the batch ran. */
    RFuture<List<Object>> ask(RBatch batch) {
        return batch.getScript(ScriptArgsCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, Script.FLEET_GAUGES.source(),
                RScript.ReturnType.MULTI, List.of(keys.queue(), keys.queueSeen(), keys.retries(), keys.instances()),
                keys.heartbeatPrefix(), keys.instanceDetailsPrefix(), MAX_FIRST_SIGHT_RECORDS);
    }

    /** The script's answer (see its header). */
    void read(List<Object> answer) {
        long now = number(answer.get(0));
        long firstSeen = number(answer.get(2));
        long queuedAt = QueuedAt.millis(String.valueOf(answer.get(1)));
        long since = queuedAt >= 0 ? queuedAt : firstSeen;
        queueLatency = firstSeen == 0 ? 0 : seconds(now - since);
        String due = String.valueOf(answer.get(3));
        retryDueAge = due.isEmpty() ? 0 : seconds(now - (long) Double.parseDouble(due));
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (int i = 4; i + 1 < answer.size(); i += 2) {
            long ageMs = number(answer.get(i + 1));
            if (ageMs >= 0) {
                rows.add(MultiGauge.Row.of(Tags.of("instance", String.valueOf(answer.get(i))), ageMs / 1000.0));
            }
        }
        heartbeats.register(rows, true);
    }

    /** Redis did not answer: the values are unknown. */
    void unknown() {
        queueLatency = Double.NaN;
        retryDueAge = Double.NaN;
        heartbeats.register(List.of(), true);
    }

    /** A producer's clock may run ahead of Redis's: an age is never below 0. */
    private static double seconds(long millis) {
        return Math.max(0, millis) / 1000.0;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}

package io.enrollflow.management;

import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.QueueEvents;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusListener;
import io.enrollflow.task.TaskRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * enrollflow's metrics (docs/contract.md §8, {@code GET /observe/metrics}), kept in a Micrometer Prometheus registry:
 * <ul>
 *   <li>{@code enrollflow_tasks_finished_total{outcome,reason}}: tasks that ended completed or failed (counted from
 *       the status transitions, {@link StatusListener}); {@code enrollflow_task_retries_total{reason}}: retries
 *       scheduled; {@code enrollflow_dead_letter_replays_total}: tasks replayed by this process;</li>
 *   <li>{@code enrollflow_stage_duration_seconds{stage,outcome}}: time per stage (enroll, download, deliver), a
 *       histogram with buckets from 100 ms to 4 h (measured by {@link StageTimer});</li>
 *   <li>gauges read at each scrape: {@code enrollflow_queue_depth}, {@code enrollflow_retry_scheduled},
 *       {@code enrollflow_dead_letters}, {@code enrollflow_intake_paused} (shared by the fleet: every instance reports
 *       the same value), {@code enrollflow_redis_up}, and this instance's {@code enrollflow_in_flight};</li>
 *   <li>{@code enrollflow_callback_failures_total{outcome}}: status callback attempts that failed (retried, gave_up)
 *       or were dropped because the send queue was full;</li>
 *   <li>{@code enrollflow_runs_fenced_total}: runs that lost their claim (their task was taken over) and stopped
 *       without writing; {@code enrollflow_recovery_errors_total}: heartbeats and recovery rounds that failed;</li>
 *   <li>what operators page on: the queue's latency, the oldest due retry's age and each instance's heartbeat age
 *       ({@link FleetGauges}, fleet-wide); {@code enrollflow_task_time_to_complete_seconds}, a histogram of the time
 *       from a task's {@code queuedAt} (else enrollflow's first sight of it) to its completion, recorded by the instance
 *       that completed it; {@code enrollflow_work_disk_free_bytes}, the space this instance's work folder may still
 *       use;</li>
 *   <li>the JVM's memory, threads, CPU and uptime.</li>
 * </ul>
 * The hot path only increments counters and records timers (lock-free); Redis is read only when scraped, in one
 * pipelined round trip with a short timeout, so a scrape during an outage answers quickly with NaN gauges.
 */
public class Metrics implements StatusListener, QueueEvents {

    /** Histogram buckets of the stage timer: enrollment takes seconds, downloads minutes to hours. */
    private static final Duration[] STAGE_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4)};
    /** Buckets of the time to completion: a short task takes a minute, a queue that waits hours is what to see. */
    private static final Duration[] COMPLETION_BUCKETS = {Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8),
            Duration.ofHours(24)};
    /** How long a scrape waits for Redis before reporting the Redis gauges as unknown. */
    private static final long SCRAPE_REDIS_TIMEOUT_MS = 1_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> stageTimers = new ConcurrentHashMap<>();
    private final RedissonClient redis;
    private final RedisKeys keys;
    private final FleetGauges fleet;
    private final Timer timeToComplete;

    private volatile double queueDepth = Double.NaN;
    private volatile double retryScheduled = Double.NaN;
    private volatile double deadLetters = Double.NaN;
    private volatile double intakePaused = Double.NaN;
    private volatile double redisUp;

    public Metrics(RedissonClient redis, RedisKeys keys, InFlight inFlight) {
        this.redis = redis;
        this.keys = keys;
        Gauge.builder("enrollflow.queue.depth", () -> queueDepth)
                .description("Tasks waiting on the queue (fleet-wide)").register(registry);
        Gauge.builder("enrollflow.retry.scheduled", () -> retryScheduled)
                .description("Tasks waiting for their next attempt (fleet-wide)").register(registry);
        Gauge.builder("enrollflow.dead.letters", () -> deadLetters)
                .description("Dead-letter records (fleet-wide)").register(registry);
        Gauge.builder("enrollflow.intake.paused", () -> intakePaused)
                .description("1 while intake is paused for the fleet").register(registry);
        Gauge.builder("enrollflow.redis.up", () -> redisUp)
                .description("1 when Redis answered the last scrape").register(registry);
        Gauge.builder("enrollflow.in.flight", inFlight, InFlight::size)
                .description("Tasks this instance is working on").register(registry);
        fleet = new FleetGauges(keys, registry);
        timeToComplete = Timer.builder("enrollflow.task.time.to.complete")
                .description("From a task's queuedAt (else its first sight) to its completion")
                .serviceLevelObjectives(COMPLETION_BUCKETS).register(registry);
        for (String outcome : List.of("retried", "gave_up", "dropped")) {
            // registered at 0, so that an alert on the rate has a series before the first failure
            registry.counter("enrollflow.callback.failures", "outcome", outcome);
        }
        // registered at 0, so that an alert on the rate has a series before the first event
        registry.counter("enrollflow.runs.fenced");
        registry.counter("enrollflow.recovery.errors");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Counts the transitions that end a task or schedule a retry. */
    @Override
    public void changed(StatusChange change) {
        switch (change.status()) {
            case COMPLETED -> finished("completed", "");
            case FAILED -> finished("failed", change.reason());
            case RETRYING -> registry.counter("enrollflow.task.retries", "reason", nonNull(change.reason())).increment();
            case QUEUED -> registry.counter("enrollflow.dead.letter.replays").increment();
            default -> {
                // processing, enrolled, downloading, uploading: the stage timer measures them
            }
        }
    }

    private void finished(String outcome, String reason) {
        Counter.builder("enrollflow.tasks.finished").description("Tasks that ended, by outcome and reason")
                .tag("outcome", outcome).tag("reason", nonNull(reason)).register(registry).increment();
    }

    @Override
    public void fenced() {
        registry.counter("enrollflow.runs.fenced").increment();
    }

    @Override
    public void recoveryFailed() {
        registry.counter("enrollflow.recovery.errors").increment();
    }

    /** A run completed its task: the time since the task began to wait. */
    @Override
    public void completed(TaskRun run) {
        if (run.waitingSince() > 0) {
            timeToComplete.record(Math.max(0, run.completedAt() - run.waitingSince()), TimeUnit.MILLISECONDS);
        }
    }

    /** One pass through a stage (enroll, download, deliver) and whether it ended in an exception. */
    public void stage(String stage, long nanos, boolean failed) {
        // on the hot path: each timer is built once (Micrometer's builder and its bucket set cost more than the record)
        stageTimers.computeIfAbsent(stage + (failed ? "/failed" : "/ok"), key -> Timer.builder("enrollflow.stage.duration")
                .description("Time per stage")
                .tag("stage", stage).tag("outcome", failed ? "failed" : "ok")
                .serviceLevelObjectives(STAGE_BUCKETS)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A status callback attempt failed ({@code retried}, {@code gave_up}) or one was {@code dropped} unsent. */
    public void callbackFailure(String outcome) {
        registry.counter("enrollflow.callback.failures", "outcome", outcome).increment();
    }

    /** The Prometheus text exposition, the Redis gauges read first. */
    public String scrape() {
        refreshFromRedis();
        return registry.scrape();
    }

    /** The registry, for tests and further binders. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void refreshFromRedis() {
        try {
            RBatch batch = redis.createBatch(BatchOptions.defaults()
                    .responseTimeout(SCRAPE_REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).retryAttempts(0));
            batch.getList(keys.queue(), StringCodec.INSTANCE).sizeAsync();
            batch.getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).sizeAsync();
            batch.getMap(keys.deadLetters(), StringCodec.INSTANCE).sizeAsync();
            batch.getBucket(keys.intakePaused(), StringCodec.INSTANCE).isExistsAsync();
            RFuture<List<Object>> fleetValues = fleet.ask(batch);
            BatchResult<?> result = batch.execute();
            List<?> values = result.getResponses();
            queueDepth = ((Number) values.get(0)).doubleValue();
            retryScheduled = ((Number) values.get(1)).doubleValue();
            deadLetters = ((Number) values.get(2)).doubleValue();
            intakePaused = Boolean.TRUE.equals(values.get(3)) ? 1 : 0;
            fleet.read(fleetValues.toCompletableFuture().join());
            redisUp = 1;
        } catch (RuntimeException e) {
            // Redis unreachable or slow: the fleet-wide gauges are unknown for this scrape
            queueDepth = Double.NaN;
            retryScheduled = Double.NaN;
            deadLetters = Double.NaN;
            intakePaused = Double.NaN;
            fleet.unknown();
            redisUp = 0;
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}

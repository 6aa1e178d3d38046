package io.enrollflow.deadletter;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.util.Outage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the dead letters by age and count (docs/contract.md §14), a background round on every instance like the retry
 * mover: each round calls trim-dead-letters.lua in batches of {@link #BATCH} (so no one step holds Redis long) until a
 * batch comes back short or the round has trimmed {@link #ROUND_LIMIT}; the rest waits for the next round. Instances
 * that trim at once take disjoint oldest records, each script being atomic. Trimmed records are counted in
 * {@code enrollflow_dead_letters_trimmed_total{why="age|count"}}.
 */
public final class DeadLetterTrim implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTrim.class);
    /** Records one script call trims at most: a few milliseconds of Redis. */
    static final int BATCH = 100;
    /** Records one round trims at most, so a first round after an upgrade does not hold the thread for minutes. */
    static final int ROUND_LIMIT = 10_000;

    private final RedisScripts scripts;
    private final RedisKeys keys;
    private final Duration maxAge;
    private final int maxRecords;
    private final Counter byAge;
    private final Counter byCount;
    private final Outage unreachable = new Outage();

    public DeadLetterTrim(RedisScripts scripts, RedisKeys keys, Duration maxAge, int maxRecords, MeterRegistry metrics) {
        this.scripts = scripts;
        this.keys = keys;
        this.maxAge = maxAge;
        this.maxRecords = maxRecords;
        this.byAge = trimmed(metrics, "age");
        this.byCount = trimmed(metrics, "count");
    }

    private static Counter trimmed(MeterRegistry metrics, String why) {
        return Counter.builder("enrollflow.dead.letters.trimmed").tag("why", why)
                .description("Dead letters trimmed by enrollflow.deadletter.max-age or max-records").register(metrics);
    }

    /**
     * Runs a round every quarter of the max age (so a record outlives it by at most that much), between one second and
     * one minute, on this executor (one of the CamelContext's, stopped with it).
     */
    public void start(ScheduledExecutorService timer) {
        long period = Math.max(1000, Math.min(60_000, maxAge.toMillis() / 4));
        timer.scheduleWithFixedDelay(this, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            long[] round = trimRound();
            if (unreachable.over()) {
                LOG.info("stage=dead-letter outcome=trim-resumed");
            }
            if (round[0] + round[1] > 0) {
                LOG.info("stage=dead-letter outcome=trimmed by_age={} by_count={}", round[0], round[1]);
            }
        } catch (RedisException e) {
            // housekeeping: the next round tries again, and nothing of a task's run depends on it
            if (unreachable.began()) {
                LOG.warn("stage=dead-letter outcome=trim-deferred error=\"{}\"", e.getMessage());
            }
        }
    }

    /** One round: batches until a short one or {@link #ROUND_LIMIT}. Returns {trimmed by age, trimmed by count}. */
    long[] trimRound() {
        long age = 0;
        long count = 0;
        while (age + count < ROUND_LIMIT) {
            List<Object> reply = scripts.list(Script.TRIM_DEAD_LETTERS,
                    List.of(keys.deadLetters(), keys.deadLetterIndex(), keys.deadLetterPayloads()),
                    keys.deadLetterReasonPrefix(), keys.deadLetterStagePrefix(), keys.deadLetterStageReasonPrefix(),
                    keys.taskPrefix(), maxAge.toMillis(), maxRecords, BATCH);
            long a = ((Number) reply.get(0)).longValue();
            long c = ((Number) reply.get(1)).longValue();
            byAge.increment(a);
            byCount.increment(c);
            age += a;
            count += c;
            if (a + c < BATCH) {
                break;
            }
        }
        return new long[] {age, count};
    }
}

package io.enrollflow.deadletter;

import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.util.Outage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link DeadLetterStore#indexExisting()} once when the runtime starts, off the start-up path: the runtime starts
 * while Redis is unreachable (it connects when Redis is back), so the one-time indexing of records written before an
 * upgrade waits for Redis too, trying again every {@link #RETRY_SECONDS} seconds until it has run once. Until then a
 * listing by reason or stage misses those older records (the full listing has them: its index is older than this
 * version); nothing is lost.
 */
public final class DeadLetterIndexing implements Runnable {

    private static final Logger LOG = LogManager.getLogger(DeadLetterIndexing.class);
    /** Pause between tries while Redis is unreachable: the same order as the heartbeat, no log flood. */
    static final long RETRY_SECONDS = 5;
    /** The index layout the marker {@code deadLetterIndexesBuilt} names: all, per reason, per stage, per pair. */
    private static final String INDEX_LAYOUT = "1";

    private final DeadLetterStore deadLetters;
    private final ScheduledExecutorService timer;
    private final Outage unreachable = new Outage();

    private DeadLetterIndexing(DeadLetterStore deadLetters, ScheduledExecutorService timer) {
        this.deadLetters = deadLetters;
        this.timer = timer;
    }

    /** Schedules the indexing on this executor (one of the CamelContext's, stopped with it). */
    public static void start(DeadLetterStore deadLetters, ScheduledExecutorService timer) {
        timer.execute(new DeadLetterIndexing(deadLetters, timer));
    }

    @Override
    public void run() {
        try {
            deadLetters.indexExisting();
            timer.shutdown();
        } catch (RedisException e) {
            // no task is involved: the indexing is tried again later; listings by reason or stage wait for it
            if (unreachable.began()) {
                Event.warn(LOG).stage("dead-letter").outcome("index-deferred").error(e.getMessage())
                        .note("older dead letters are filed under their reason and stage once Redis answers").log();
            }
            if (!timer.isShutdown()) {
                timer.schedule(this, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Files the records written before the per-reason and per-stage indexes existed (an upgrade) under those indexes,
     * once per namespace: after the first run a marker key says it is done, and each later start costs one EXISTS. The
     * records are read with HSCAN in batches of {@link DeadLetterStore#DeadLetterStore.SCAN_BATCH}, so memory stays one batch whatever
     * their number. Instances that start together may both do it: filing a record twice changes nothing, and a record
     * written, replayed or purged meanwhile is filed (or skipped) by its own script.
     *
     * @param prefixes the per-reason, per-stage and per-pair index prefixes, as index-dead-letters.lua takes them
     * @return how many records were filed (0 when the marker was there)
     */
    static long fileExisting(RedissonClient redis, RedisScripts scripts, RedisKeys keys, List<Object> prefixes) {
        if (redis.getBucket(keys.deadLetterIndexesBuilt(), StringCodec.INSTANCE).isExists()) {
            return 0;
        }
        long filed = 0;
        List<Object> args = new ArrayList<>();
        var records = redis.<String, String>getMap(keys.deadLetters(), StringCodec.INSTANCE).entrySet(DeadLetterStore.SCAN_BATCH);
        for (Map.Entry<String, String> entry : records) {
            args.add(entry.getKey());
            args.add(scoreOf(entry.getValue()));
            if (args.size() == 2 * DeadLetterStore.SCAN_BATCH) {
                filed += fileBatch(scripts, keys, prefixes, args);
                args.clear();
            }
        }
        if (!args.isEmpty()) {
            filed += fileBatch(scripts, keys, prefixes, args);
        }
        redis.getBucket(keys.deadLetterIndexesBuilt(), StringCodec.INSTANCE).set(INDEX_LAYOUT);
        if (filed > 0) {
            Event.info(LOG).stage("dead-letter").outcome("indexed").kv("records", filed)
                    .note("dead letters written before this version filed under their reason and stage").log();
        }
        return filed;
    }

    private static long fileBatch(RedisScripts scripts, RedisKeys keys, List<Object> prefixes, List<Object> pairs) {
        List<Object> args = new ArrayList<>(prefixes);
        args.addAll(pairs);
        return scripts.integer(Script.INDEX_DEAD_LETTERS, List.of(keys.deadLetters(), keys.deadLetterIndex()),
                args.toArray());
    }

    /** The last failure of a stored record in epoch ms (0 when it has none that parses: it then lists as the oldest). */
    private static long scoreOf(String json) {
        try {
            return Instant.parse(DeadLetter.parse(json).lastFailedAt()).toEpochMilli();
        } catch (RuntimeException unreadable) {
            // a record without a readable lastFailedAt is still filed (under score 0) so that it lists and can be purged
            return 0;
        }
    }
}

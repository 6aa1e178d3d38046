package io.enrollflow.redis;

import io.enrollflow.config.RedisSettings;
import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts under {@code enrollflow/lua/}: each makes one multi-key change atomically (its header lists KEYS,
 * ARGV and the result). Redisson sends them by SHA once loaded (useScriptCache), to the node of the first key: with a
 * hash-tag namespace every key of a script is in that node's slot (Redis Cluster refuses a script whose keys are not).
 * <p>
 * Durable decisions (docs/contract.md §13): with {@code enrollflow.redis.wait-replicas} above 0, a decision (claim, completion
 * and the other acknowledging transitions, retry, dead letter; see {@link Script}) is followed by
 * {@code WAIT replicas timeout} on the same connection, so the decision has reached that many replicas before the worker goes on and a failover does not undo it. Redisson's batch with
 * {@link BatchOptions#sync} sends the script and the WAIT together down one connection; WAIT only counts the writes of
 * its own connection, which a separate call from the pool would not be.
 */
public final class RedisScripts {

    private static final Logger LOG = LogManager.getLogger(RedisScripts.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    /**
     * The scripts, each with the rule that tells whether a call of it decides a task's fate (WAIT follows those when
     * wait-replicas is set): claim, retry and dead letter always; a transition when it acknowledges the task (ARGV[3],
     * the payload to acknowledge, is not empty: completion and the other final writes); the rest never (housekeeping
     * that the next run or the reaper repeats).
     */
    public enum Script {
        CLAIM("claim.lua", args -> true),
        TRANSITION("transition.lua", args -> args.length > 2 && !String.valueOf(args[2]).isEmpty()),
        SCHEDULE_RETRY("schedule-retry.lua", args -> true),
        MOVE_DUE("move-due.lua", args -> false),
        DEAD_LETTER("dead-letter.lua", args -> true),
        REPLAY("replay.lua", args -> false),
        REAP("reap.lua", args -> false),
        HAND_BACK("hand-back.lua", args -> false),
        REQUEUE_ORPHAN("requeue-orphan.lua", args -> false),
        PURGE("purge.lua", args -> false),
        DEAD_LETTER_PAGE("dead-letter-page.lua", args -> false),
        INDEX_DEAD_LETTERS("index-dead-letters.lua", args -> false),
        TRIM_DEAD_LETTERS("trim-dead-letters.lua", args -> false),
        HEARTBEAT("heartbeat.lua", args -> false),
        // the fleet-wide limits (io.enrollflow.limit); a hold-back sends a task back to the schedule, like a retry
        RATE_LIMIT("rate-limit.lua", args -> false),
        DOWNLOAD_PERMIT("download-permit.lua", args -> false),
        UPLOAD_BUDGET("upload-budget.lua", args -> false),
        DRIVE_PAUSE("drive-pause.lua", args -> false),
        HOLD_BACK("hold-back.lua", args -> true);

        /** The shared helpers (lib.lua), put in front of each script. */
        private static final String LIBRARY = "lib.lua";

        private final String source;
        private final Predicate<Object[]> decision;

        Script(String file, Predicate<Object[]> decision) {
            this.decision = decision;
            // lib.lua's helpers go in front of every script: one EVAL stays one atomic step
            this.source = read(LIBRARY) + read(file);
        }

        private static String read(String file) {
            try (InputStream in = RedisScripts.class.getClassLoader().getResourceAsStream("enrollflow/lua/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("enrollflow/lua/" + file + " is missing from the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The script's Lua text (for a call in a batch with options of its own, such as the heartbeat's). */
        public String source() {
            return source;
        }

        /** True when this call (with these ARGV) decides a task's fate: {@code WAIT} follows it when wait-replicas is set. */
        public boolean decides(Object... args) {
            return decision.test(args);
        }
    }

    private final RedissonClient redis;
    private final RScript script;
    private final int waitReplicas;
    private final Duration waitTimeout;
    private final AtomicLong unreplicated = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong();

    /** Scripts without WAIT (the operator's CLI: a person sees the outcome). */
    public RedisScripts(RedissonClient redis) {
        this(redis, 0, Duration.ZERO);
    }

    /**
     * @param waitReplicas how many replicas must have a decision before the worker goes on (0 = no WAIT)
     * @param waitTimeout  the longest a decision waits for them; after it the worker goes on (logged)
     */
    public RedisScripts(RedissonClient redis, int waitReplicas, Duration waitTimeout) {
        this.redis = redis;
        this.script = redis.getScript(ScriptArgsCodec.INSTANCE);
        this.waitReplicas = waitReplicas;
        this.waitTimeout = waitTimeout;
    }

    /** The scripts with the durability the settings ask for ({@code enrollflow.redis.wait-replicas}, {@code -timeout}). */
    public static RedisScripts from(RedisSettings settings, RedissonClient redis) {
        return new RedisScripts(redis, settings.waitReplicas(), settings.waitTimeout());
    }

    private static void checkKeys(Script which, List<Object> keys) {
        for (Object key : keys) {
            if (key == null || key.toString().isEmpty()) {
                // '' hashes to slot 0, away from the namespace's slot: Redis Cluster would refuse the whole script
                throw new IllegalArgumentException(which + " got an empty key; pass RedisKeys.none() for a missing one");
            }
        }
    }

    /** How many decisions fewer replicas than wait-replicas acknowledged within wait-timeout, since start. */
    public long unreplicated() {
        return unreplicated.get();
    }

    /**
     * Runs a script once per set of keys and arguments, all sent in one pipeline (one round trip instead of one per run);
     * each run is atomic on its own, the pipeline is not a transaction. Returns each run's integer result, in order.
     * For housekeeping only (no WAIT follows): a decision goes through {@link #integer} or {@link #list}.
     */
    public List<Long> integers(Script which, List<List<Object>> keys, List<Object[]> args) {
        keys.forEach(each -> checkKeys(which, each));
        RBatch batch = redis.createBatch();
        RScriptAsync pipelined = batch.getScript(ScriptArgsCodec.INSTANCE);
        List<RFuture<Long>> results = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            results.add(pipelined.evalAsync(RScript.Mode.READ_WRITE, which.source, RScript.ReturnType.INTEGER,
                    keys.get(i), args.get(i)));
        }
        batch.execute();
        List<Long> out = new ArrayList<>(results.size());
        for (RFuture<Long> result : results) {
            Long value = result.toCompletableFuture().join();
            out.add(value == null ? 0 : value);
        }
        return out;
    }

    /** Runs a script whose result is a list (of strings or numbers). */
    public List<Object> list(Script which, List<Object> keys, Object... args) {
        return eval(which, RScript.ReturnType.MULTI, keys, args);
    }

    /** Runs a script whose result is an integer, without waiting for it (a metrics scrape bounds its wait). */
    public CompletionStage<Long> integerAsync(Script which, List<Object> keys, Object... args) {
        checkKeys(which, keys);
        return script.<Long>evalAsync(RScript.Mode.READ_WRITE, which.source, RScript.ReturnType.INTEGER, keys, args);
    }

    /** Runs a script whose result is an integer. */
    public long integer(Script which, List<Object> keys, Object... args) {
        Long result = eval(which, RScript.ReturnType.INTEGER, keys, args);
        return result == null ? 0 : result;
    }

    private <R> R eval(Script which, RScript.ReturnType type, List<Object> keys, Object... args) {
        checkKeys(which, keys);
        if (waitReplicas == 0 || !which.decides(args)) {
            return script.eval(RScript.Mode.READ_WRITE, which.source, type, keys, args);
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults().sync(waitReplicas, waitTimeout));
        RFuture<R> result = batch.getScript(ScriptArgsCodec.INSTANCE)
                .evalAsync(RScript.Mode.READ_WRITE, which.source, type, keys, args);
        BatchResult<?> done = batch.execute();
        if (done.getSyncedSlaves() < waitReplicas) {
            long total = unreplicated.incrementAndGet();
            long now = System.nanoTime();
            long last = lastWarning.get();
            // once a minute at most: with no replica left (after a failover) every decision would say it
            if ((last == 0 || now - last > WARN_EVERY_NANOS) && lastWarning.compareAndSet(last, now)) {
                // the decision stands on the primary; only a failover in the next moment could still undo it (a task
                // then runs again, which delivery is built to survive)
                Event.warn(LOG).stage("redis").outcome("unreplicated").kv("script", which.name().toLowerCase())
                        .kv("replicas", done.getSyncedSlaves()).kv("wanted", waitReplicas)
                        .kv("timeout", waitTimeout.toMillis() + "ms").kv("total", total)
                        .note("decisions are written on the primary but fewer replicas acknowledged them in time;"
                                + " each waits up to " + RedisSettings.WAIT_TIMEOUT + " (said once a minute)").log();
            }
        }
        return result.toCompletableFuture().getNow(null);
    }
}

package io.enrollflow.redis;

import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts under {@code enrollflow/lua/}: each makes one multi-key change atomically (its header lists KEYS,
 * ARGV and the result). Redisson sends them by SHA once loaded (useScriptCache).
 */
public final class RedisScripts {

    public enum Script {
        CLAIM("claim.lua"), TRANSITION("transition.lua"), SCHEDULE_RETRY("schedule-retry.lua"),
        MOVE_DUE("move-due.lua"), DEAD_LETTER("dead-letter.lua"), REPLAY("replay.lua"), REAP("reap.lua"),
        HAND_BACK("hand-back.lua"), REQUEUE_ORPHAN("requeue-orphan.lua"), PURGE("purge.lua"),
        DEAD_LETTER_PAGE("dead-letter-page.lua"), INDEX_DEAD_LETTERS("index-dead-letters.lua"),
        HEARTBEAT("heartbeat.lua"),
        // the fleet-wide limits (io.enrollflow.limit)
        RATE_LIMIT("rate-limit.lua"), DOWNLOAD_PERMIT("download-permit.lua"), UPLOAD_BUDGET("upload-budget.lua"),
        DRIVE_PAUSE("drive-pause.lua"), HOLD_BACK("hold-back.lua");

        private final String source;

        Script(String file) {
            try (InputStream in = RedisScripts.class.getClassLoader().getResourceAsStream("enrollflow/lua/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("enrollflow/lua/" + file + " is missing from the classpath");
                }
                this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The script's Lua text (for a call in a batch with options of its own, such as the heartbeat's). */
        public String source() {
            return source;
        }
    }

    private final RedissonClient redis;
    private final RScript script;

    public RedisScripts(RedissonClient redis) {
        this.redis = redis;
        this.script = redis.getScript(StringCodec.INSTANCE);
    }

    /**
     * Runs a script once per set of keys and arguments, all sent in one pipeline (one round trip instead of one per run);
     * each run is atomic on its own, the pipeline is not a transaction. Returns each run's integer result, in order.
     */
    public List<Long> integers(Script which, List<List<Object>> keys, List<Object[]> args) {
        RBatch batch = redis.createBatch();
        RScriptAsync pipelined = batch.getScript(StringCodec.INSTANCE);
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
        return script.eval(RScript.Mode.READ_WRITE, which.source, RScript.ReturnType.MULTI, keys, args);
    }

    /** Runs a script whose result is an integer, without waiting for it (a metrics scrape bounds its wait). */
    public CompletionStage<Long> integerAsync(Script which, List<Object> keys, Object... args) {
        return script.<Long>evalAsync(RScript.Mode.READ_WRITE, which.source, RScript.ReturnType.INTEGER, keys, args);
    }

    /** Runs a script whose result is an integer. */
    public long integer(Script which, List<Object> keys, Object... args) {
        Long result = script.eval(RScript.Mode.READ_WRITE, which.source, RScript.ReturnType.INTEGER, keys, args);
        return result == null ? 0 : result;
    }
}

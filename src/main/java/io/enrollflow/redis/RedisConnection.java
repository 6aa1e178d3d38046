package io.enrollflow.redis;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Redact;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Builds the one Redisson client enrollflow uses. {@link StringCodec} keeps values plain text, so what producers LPUSH
 * and what the backend reads stay ordinary JSON (Redisson's default codec is binary).
 */
public final class RedisConnection {

    /** How long the client waits for one answer before it tries again. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How many times the client sends a command again after a timeout or a dropped connection. */
    public static final int RETRY_ATTEMPTS = 3;
    /** The wait between two tries. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private RedisConnection() {
    }

    /**
     * The longest one Redis call of this client can take before it fails: every try timing out, with the waits in
     * between ({@code TIMEOUT × (RETRY_ATTEMPTS + 1) + RETRY_DELAY × RETRY_ATTEMPTS}, 23 s). The heartbeat does not
     * go through these settings: its lifetime would have to exceed this (see {@code queue.Recovery}).
     */
    public static Duration slowestCall() {
        return TIMEOUT.multipliedBy(RETRY_ATTEMPTS + 1L).plus(RETRY_DELAY.multipliedBy(RETRY_ATTEMPTS));
    }

    /**
     * @param url         {@code redis://host:port} or {@code rediss://…}, optionally with a password
     * @param blockingUse how many connections block at once on BLMOVE (the worker threads); the pool gets that many
     *                    plus a margin for status writes, scripts and the retry mover
     * @param lazy        true for the runtime: start even while Redis is unreachable and connect when it is back;
     *                    false for the CLI: fail at once with a clear message
     */
    public static RedissonClient connect(String url, int blockingUse, boolean lazy) {
        try {
            URI uri = new URI(url);
            if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException("enrollflow.redis.url", "\"" + Redact.url(url) + "\" is not a redis:// or rediss:// address");
            }
        } catch (URISyntaxException e) {
            // the address as typed may hold a password (redis://:secret@host): it is shown redacted
            throw new ConfigException("enrollflow.redis.url", "\"" + Redact.url(url) + "\" is not a redis:// address");
        }
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setUseScriptCache(true);
        config.setLazyInitialization(lazy);
        // Redisson's default of 32 event-loop threads spreads a handful of round trips per task over idle threads,
        // each hand-off a context switch; one per core keeps up (bench/run.sh) with less CPU and memory
        config.setNettyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
        config.useSingleServer()
                .setAddress(url)
                .setConnectionPoolSize(blockingUse + 16)
                .setConnectionMinimumIdleSize(Math.min(blockingUse + 2, 8))
                .setRetryAttempts(RETRY_ATTEMPTS)
                // a constant delay, not the default jittered one: Redisson ticks its timeout wheel at a fraction of the
                // first retry delay, so a random one (e.g. 743 ms) makes it wake every 21 ms even on an idle worker;
                // 1 s gives 100 ms ticks
                .setRetryDelay(new ConstantDelay(RETRY_DELAY))
                .setTimeout((int) TIMEOUT.toMillis())
                .setConnectTimeout(5_000);
        return Redisson.create(config);
    }
}

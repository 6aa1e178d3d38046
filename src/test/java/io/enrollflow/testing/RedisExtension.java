package io.enrollflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.redis.RedisKeys;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Redis server for a test class: the binary bundled in the embedded-redis Maven artifact
 * ({@link BundledRedis}), on a free port of 127.0.0.1.
 * <p>
 * Lifecycle: started before the class's first test (a failure to start fails the class, it is never skipped), emptied
 * with {@code FLUSHALL} before each test (unless made with {@link #keepingDataBetweenTests()}), stopped after the class. Register it as a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final RedisExtension redis = new RedisExtension();
 * }</pre>
 * The helpers read and write through a Redisson client with {@link StringCodec}, so values are the plain text the
 * backend and enrollflow exchange.
 */
public final class RedisExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** Where the contract puts each task's status hash (docs/contract.md §3). */
    public static final String TASK_PREFIX = "enrollflow:task:";
    /** enrollflow's dead-letter records by task id (enrollflow's own key, see RedisKeys). */
    public static final String DEAD_LETTERS = "enrollflow:dead-letters";
    /** The dead-letter ids scored by their last failure. */
    public static final String DEAD_LETTER_INDEX = "enrollflow:dead-letters:index";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean flushBeforeEach;
    private BundledRedis server;
    private RedissonClient client;

    /** A server emptied before each test. */
    public RedisExtension() {
        this(true);
    }

    private RedisExtension(boolean flushBeforeEach) {
        this.flushBeforeEach = flushBeforeEach;
    }

    /** A server whose data stays from test to test: for read-only tests over data a {@code @BeforeAll} prepared. */
    public static RedisExtension keepingDataBetweenTests() {
        return new RedisExtension(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = BundledRedis.start();
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(server.url()).setConnectionMinimumIdleSize(2).setConnectionPoolSize(8);
        client = Redisson.create(config);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (flushBeforeEach) {
            flushAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (client != null) {
                client.shutdown();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }

    /** {@code redis://127.0.0.1:<port>}, the form of {@code enrollflow.redis.url}. */
    public String url() {
        return server().url();
    }

    public int port() {
        return server().port();
    }

    /** The server itself, for tests that stop and restart it (outages). */
    public BundledRedis server() {
        if (server == null) {
            throw new IllegalStateException("RedisExtension is not started: register it as a static @RegisterExtension field");
        }
        return server;
    }

    /** A Redisson client with {@link StringCodec}; owned by the extension, do not shut it down. */
    public RedissonClient client() {
        return client;
    }

    /** Empties every database. */
    public void flushAll() {
        client.getKeys().flushall();
    }

    /** {@code LPUSH queueKey payload}, what the backend's webhook does. */
    public void lpush(String queueKey, String payload) {
        client.getDeque(queueKey, StringCodec.INSTANCE).addFirst(payload);
    }

    /** The entries of a list, head first (LRANGE 0 -1). */
    public List<String> list(String key) {
        return client.<String>getList(key, StringCodec.INSTANCE).readAll();
    }

    /** The length of a list. */
    public int llen(String key) {
        return client.getList(key, StringCodec.INSTANCE).size();
    }

    /** The task's status hash {@code enrollflow:task:<taskId>}; empty when there is none. */
    public Map<String, String> hash(String taskId) {
        return rawHash(TASK_PREFIX + taskId);
    }

    /** Any hash by key; empty when there is none. */
    public Map<String, String> rawHash(String key) {
        Map<Object, Object> raw = client.getMap(key, StringCodec.INSTANCE).readAllMap();
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    /** True when the key exists. */
    public boolean exists(String key) {
        return client.getKeys().countExists(key) > 0;
    }

    /** Every key matching a glob pattern (KEYS; fine on a test server). */
    public List<String> keys(String pattern) {
        return client.getKeys().getKeysStreamByPattern(pattern).toList();
    }

    /** The dead-letter record of a task (or {@code invalid-<n>}) as JSON; null when there is none. */
    public JsonNode deadLetter(String taskId) {
        Object json = client.getMap(DEAD_LETTERS, StringCodec.INSTANCE).get(taskId);
        return json == null ? null : parse(String.valueOf(json));
    }

    /** The dead-letter record of a task (or {@code invalid-<n>}) in the namespace of these keys; null when none. */
    public JsonNode deadLetter(RedisKeys keys, String taskId) {
        Object json = client.getMap(keys.deadLetters(), StringCodec.INSTANCE).get(taskId);
        return json == null ? null : parse(String.valueOf(json));
    }

    /** Every dead-letter record id, newest first. */
    public List<String> deadLetterIds() {
        return client.<String>getScoredSortedSet(DEAD_LETTER_INDEX, StringCodec.INSTANCE).valueRangeReversed(0, -1)
                .stream().map(String::valueOf).toList();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

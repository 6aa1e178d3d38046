package io.enrollflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.config.Settings;
import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.runtime.EnrollflowRuntime;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real enrollflow runtime ({@link EnrollflowRuntime}: camel-main with the project's {@code routes/*.yaml}) running
 * in the test's JVM against a {@link RedisExtension} and an {@link EnrollmentApiStub}.
 * <p>
 * Lifecycle: configure ({@link #set}, {@link #downloadCommand}) → {@link #start()} → push tasks and wait for their
 * outcome → {@link #stop()}. Two ways to hold one:
 * <ul>
 *   <li>per test: an instance {@code @RegisterExtension} field ({@code new Pipeline(redis, api)}), stopped after each
 *       test; or try-with-resources;</li>
 *   <li>per class: {@link #perClass(RedisExtension, EnrollmentApiStub)} in a static field, started in
 *       {@code @BeforeAll} and stopped after the class. After each test it waits until nothing is in flight and empties
 *       its folders, and the Redis extension empties Redis: tests see a fresh pipeline without paying its start and
 *       stop (about 2s). Order the static fields with {@code @Order} (Redis, API, pipeline) so the pipeline stops
 *       first.</li>
 * </ul>
 * Each pipeline has its own folder with {@code work/} (enrollflow.download.work-dir), {@code delivered/} (folder
 * delivery) and {@code scripts/}, removed on stop.
 * <p>
 * Test settings, each overridable with {@link #set}: folder delivery, management port off, retries fast (3 attempts,
 * 100ms initial delay, 500ms max), enrollment timeout 2s, download timeout 10s, and as download command
 * {@link #download()}: a script that records its argv ({@code ${taskDir} ${courseUrl} ${taskId} ${orderId} ${quality}})
 * and writes a small course.
 * <pre>{@code
 * @RegisterExtension static final RedisExtension redis = new RedisExtension();
 * @RegisterExtension final EnrollmentApiStub api = new EnrollmentApiStub();
 * @RegisterExtension final Pipeline pipeline = new Pipeline(redis, api);
 *
 * pipeline.start();
 * pipeline.push(aTask().id("39"));
 * Map<String, String> status = pipeline.awaitCompleted("39");
 * }</pre>
 */
public final class Pipeline implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, AutoCloseable {

    /** The queue key of the test settings (the default of application.properties). */
    public static final String QUEUE = "enrollflow:tasks";
    /** How long {@link #awaitStatus} waits by default. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private static final Set<String> TERMINAL = Set.of("completed", "failed");

    private final RedisExtension redis;
    private final Path root;
    private final DownloadScripts scripts;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final DownloadScripts.Script download;
    private RedisKeys keys = RedisKeys.defaults();
    /** Per class: the instance's heartbeat value (its epoch), put back after Redis is emptied between tests. */
    private String heartbeatValue;
    private boolean perClass;
    private EnrollflowRuntime runtime;

    /** A pipeline shared by the tests of a class (a static field); see the class comment. */
    public static Pipeline perClass(RedisExtension redis, EnrollmentApiStub api) {
        Pipeline pipeline = new Pipeline(redis, api);
        pipeline.perClass = true;
        return pipeline;
    }

    /** A pipeline on this Redis, calling this enrollment API. */
    public Pipeline(RedisExtension redis, EnrollmentApiStub api) {
        this(redis, api.url());
    }

    /** A pipeline on this Redis, calling the enrollment API at this URL (e.g. a port nothing listens on). */
    public Pipeline(RedisExtension redis, String enrollUrl) {
        this.redis = redis;
        try {
            this.root = Files.createTempDirectory("enrollflow-pipeline");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.scripts = new DownloadScripts(root.resolve("scripts"));
        this.download = scripts.recordsArgv();
        overrides.put("enrollflow.enroll.url", enrollUrl);
        overrides.put("enrollflow.enroll.timeout", "2s");
        overrides.put("enrollflow.queue.key", QUEUE);
        overrides.put("enrollflow.worker.concurrency", "3");
        overrides.put("enrollflow.worker.shutdown-timeout", "2s");
        // idle workers notice a stop within a second (every test stops a pipeline)
        overrides.put("enrollflow.queue.poll-timeout", "1s");
        // no fixed port: a running instance or a parallel test would clash on the default 8081
        overrides.put("enrollflow.management.port", "0");
        overrides.put("enrollflow.download.work-dir", workDir().toString());
        overrides.put("enrollflow.download.timeout", "10s");
        overrides.put("enrollflow.download.command", download.command());
        overrides.put("enrollflow.delivery.target", "folder");
        overrides.put("enrollflow.delivery.folder", deliveryFolder().toString());
        overrides.put("enrollflow.retry.max-attempts", "3");
        overrides.put("enrollflow.retry.initial-delay", "100ms");
        overrides.put("enrollflow.retry.multiplier", "2");
        overrides.put("enrollflow.retry.max-delay", "500ms");
    }

    /** Overrides one setting; before {@link #start()}. */
    public Pipeline set(String key, String value) {
        if (runtime != null) {
            throw new IllegalStateException("settings are read at start: set " + key + " before start()");
        }
        overrides.put(key, value);
        return this;
    }

    /**
     * {@code enrollflow.redis.namespace}, with the queue {@code <namespace>:tasks}; the pipeline's look-ups (push,
     * status, dead letters, idle) follow it. Before {@link #start()}.
     */
    public Pipeline namespace(String namespace) {
        set(RedisKeys.NAMESPACE_KEY, namespace);
        set(RedisKeys.QUEUE_KEY, "");
        keys = new RedisKeys(namespace, null);
        return this;
    }

    /** The keys of this pipeline's namespace. */
    public RedisKeys keys() {
        return keys;
    }

    /** {@code enrollflow.download.command}. */
    public Pipeline downloadCommand(String command) {
        return set("enrollflow.download.command", command);
    }

    /** The settings as the runtime gets them: the project's application.properties with the test overrides. */
    public Settings settings() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("enrollflow.redis.url", redis.url());
        all.putAll(overrides);
        return Settings.load(null, Map.of()).with(all);
    }

    /** Starts the runtime (routes running, consuming the queue). */
    public Pipeline start() throws Exception {
        if (runtime != null) {
            throw new IllegalStateException("already started");
        }
        redis.server();
        Files.createDirectories(workDir());
        EnrollflowRuntime created = new EnrollflowRuntime(settings(), Path.of("routes"));
        created.start();
        runtime = created;
        if (perClass) {
            String heartbeat = keys.heartbeat(created.instanceId());
            await(Duration.ofSeconds(30)).until(() -> redis.exists(heartbeat));
            heartbeatValue = heartbeatValue();
        }
        return this;
    }

    private String heartbeatValue() {
        Object value = redis.client().getBucket(keys.heartbeat(runtime.instanceId()), StringCodec.INSTANCE).get();
        return value == null ? heartbeatValue : String.valueOf(value);
    }

    /** The running runtime. */
    public EnrollflowRuntime runtime() {
        if (runtime == null) {
            throw new IllegalStateException("not started");
        }
        return runtime;
    }

    /** Stops the runtime (in-flight tasks get enrollflow.worker.shutdown-timeout) and removes the pipeline's folder. */
    public void stop() {
        try {
            if (runtime != null) {
                runtime.stop();
            }
        } finally {
            runtime = null;
            try {
                FolderDelivery.deleteTree(root);
            } catch (IOException ignored) {
                // a temp folder left behind
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Per class: the Redis extension has just emptied Redis, heartbeat included. Left so, the running instance would
     * find itself presumed dead at its next heartbeat, fence what it holds and register again under a new epoch
     * (docs/contract.md §7), and a task the test pushes meanwhile would be fenced mid-run. The heartbeat and the instance's
     * membership are put back as they were, as if Redis had never been emptied under the instance.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (perClass && runtime != null && heartbeatValue != null) {
            String heartbeat = keys.heartbeat(runtime.instanceId());
            redis.client().getBucket(heartbeat, StringCodec.INSTANCE).setIfAbsent(heartbeatValue, Duration.ofMinutes(1));
            redis.client().getSet(keys.instances(), StringCodec.INSTANCE).add(runtime.instanceId());
            await(Duration.ofSeconds(30)).until(() -> redis.exists(heartbeat));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            stop();
        } else if (runtime != null) {
            awaitIdle();
            heartbeatValue = heartbeatValue();
            for (Path dir : List.of(workDir(), deliveryFolder())) {
                FolderDelivery.deleteTree(dir);
                Files.createDirectories(dir);
            }
            try (Stream<Path> files = Files.list(scripts.dir())) {
                for (Path file : files.filter(f -> !f.toString().endsWith(".sh")).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** The default download command's script: records its argv and writes {@link DownloadScripts#COURSE_FILE}. */
    public DownloadScripts.Script download() {
        return download;
    }

    /** Scripts written into this pipeline's folder. */
    public DownloadScripts scripts() {
        return scripts;
    }

    /** The pipeline's own folder. */
    public Path root() {
        return root;
    }

    /** enrollflow.download.work-dir. */
    public Path workDir() {
        return root.resolve("work");
    }

    /** A task's folder, {@code <work-dir>/<taskId>}. */
    public Path taskDir(String taskId) {
        return workDir().resolve(taskId);
    }

    /** A task's download log, {@code <work-dir>/_logs/<taskId>.log}. */
    public Path logFile(String taskId) {
        return workDir().resolve(io.enrollflow.download.DownloadRunner.LOGS_FOLDER).resolve(taskId + ".log");
    }

    /** enrollflow.delivery.folder. */
    public Path deliveryFolder() {
        return root.resolve("delivered");
    }

    /** Where folder delivery puts a task, {@code <delivery.folder>/<taskId>}. */
    public Path delivered(String taskId) {
        return deliveryFolder().resolve(taskId);
    }

    /** LPUSHes a payload onto the queue. */
    public void push(String payload) {
        redis.lpush(keys.queue(), payload);
    }

    /** LPUSHes a task. */
    public void push(Tasks task) {
        push(task.json());
    }

    /** The task's status hash (empty when none). */
    public Map<String, String> status(String taskId) {
        return redis.rawHash(keys.task(taskId));
    }

    /**
     * Waits until the task's status is {@code expected} and returns its hash. Fails at once, with the hash, when the
     * task ends in the other terminal status.
     */
    public Map<String, String> awaitStatus(String taskId, String expected) {
        return awaitStatus(taskId, expected, WAIT);
    }

    public Map<String, String> awaitStatus(String taskId, String expected, Duration atMost) {
        AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
        try {
            await(atMost).until(() -> {
                Map<String, String> hash = status(taskId);
                last.set(hash);
                String status = hash.get("status");
                if (status != null && !status.equals(expected) && TERMINAL.contains(status) && TERMINAL.contains(expected)) {
                    fail("task " + taskId + " ended " + status + " instead of " + expected + ": " + hash);
                }
                return expected.equals(status);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("task " + taskId + " did not become " + expected + " within " + atMost + "; last status: " + last.get());
        }
        return last.get();
    }

    /** Waits until the task failed and returns its hash. */
    public Map<String, String> awaitFailed(String taskId) {
        return awaitStatus(taskId, "failed");
    }

    /** Waits until the task completed and returns its hash. */
    public Map<String, String> awaitCompleted(String taskId) {
        return awaitStatus(taskId, "completed");
    }

    /** The dead-letter record of a task (or {@code invalid-<n>}); null when none. */
    public JsonNode deadLetter(String id) {
        return redis.deadLetter(keys, id);
    }

    /** Waits until there is a dead-letter record under this id and returns it. */
    public JsonNode awaitDeadLetter(String id) {
        AtomicReference<JsonNode> record = new AtomicReference<>();
        await(WAIT).until(() -> {
            record.set(deadLetter(id));
            return record.get() != null;
        });
        return record.get();
    }

    /** Waits until the queue is empty and no task is taken (every processing list empty). */
    public void awaitIdle() {
        await(WAIT).until(() -> redis.llen(keys.queue()) == 0
                && redis.keys(keys.processing("*")).stream().allMatch(key -> redis.llen(key) == 0));
    }

    /** Awaitility with the suite's poll interval. */
    public static ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).pollDelay(Duration.ZERO);
    }
}

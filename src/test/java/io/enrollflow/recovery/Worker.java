package io.enrollflow.recovery;

import io.enrollflow.testing.EnrollflowJar;
import org.awaitility.Awaitility;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One enrollflow instance as an operator runs it: {@code java -jar target/enrollflow.jar run} in a JVM of its own,
 * configured by environment variables only, in a folder of its own (so the jar's own application.properties and
 * routes are used), its stdout and stderr going to a log file.
 * <p>
 * Lifecycle: {@link #start} → {@link #awaitReady} (its instance id appears in {@code enrollflow:instances}) →
 * {@link #kill9()} (SIGKILL: no hook, no hand-back), {@link #sigterm()} (graceful stop), or {@link #close()} (SIGKILL if
 * still alive; what tests use for cleanup).
 */
public final class Worker implements AutoCloseable {

    /** The system property naming the built jar, which {@link EnrollflowJar} reads (failsafe sets it; benches too). */
    public static final String JAR_PROPERTY = "enrollflow.jar";
    /** Flags for a small test machine (several instances at once); nothing enrollflow depends on. */
    private static final String[] JVM_FLAGS = {"-Xmx256m", "-XX:+UseSerialGC"};

    private final String name;
    private final EnrollflowJar.Running process;
    private final Path log;

    private Worker(String name, EnrollflowJar.Running process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -jar <enrollflow.jar> run} in {@code dir} with exactly these ENROLLFLOW_* variables on top of
     * the inherited environment; stdout and stderr go to {@code <dir>/<name>.log}.
     */
    public static Worker start(String name, Path dir, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        Path log = dir.resolve(name + ".log");
        return new Worker(name, EnrollflowJar.in(dir).env(env).jvm(JVM_FLAGS).logTo(log).start("run"), log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}). */
    public void signal(String signal) {
        process.signal(signal);
    }

    /**
     * Its instance id, read from {@code enrollflow:instances} (ids are {@code <host>-<pid>-<random>}); empty until its
     * first heartbeat, or once it stopped gracefully.
     */
    public Optional<String> instanceId(RedissonClient redis) {
        return instanceId(redis, "enrollflow:instances");
    }

    /** {@link #instanceId(RedissonClient)} in another namespace: {@code instances} is its {@code <namespace>:instances}. */
    public Optional<String> instanceId(RedissonClient redis, String instances) {
        String marker = "-" + pid() + "-";
        return redis.getSet(instances, StringCodec.INSTANCE).readAll().stream()
                .map(String::valueOf).filter(id -> id.contains(marker)).findFirst();
    }

    /** Waits until it has sent its first heartbeat (routes started, consuming); fails with its log if it died. */
    public String awaitReady(RedissonClient redis, Duration atMost) {
        return awaitReady(redis, "enrollflow:instances", atMost);
    }

    /** {@link #awaitReady(RedissonClient, Duration)} in another namespace ({@code <namespace>:instances}). */
    public String awaitReady(RedissonClient redis, String instances, Duration atMost) {
        Awaitility.await(name + " ready").atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!alive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n" + log());
            }
            return instanceId(redis, instances).isPresent();
        });
        return instanceId(redis, instances).orElseThrow();
    }

    /** SIGKILL: the process ends at once, no shutdown hook, no hand-back (what an OOM kill or a power cut does). */
    public void kill9() {
        process.kill();
    }

    /** SIGTERM: asks for a graceful stop and returns at once. */
    public void sigterm() {
        process.terminate();
    }

    /** Waits for the process to end; returns its exit code, or empty if it still runs after {@code atMost}. */
    public Optional<Integer> awaitExit(Duration atMost) {
        return process.exitCode(atMost);
    }

    /** Everything it logged so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of its log that contain {@code text}. */
    public List<String> logLines(String text) {
        return log().lines().filter(line -> line.contains(text)).toList();
    }

    /** SIGKILL if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.kill();
        }
    }
}

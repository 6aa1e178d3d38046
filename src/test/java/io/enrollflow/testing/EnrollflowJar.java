package io.enrollflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built jar ({@code target/enrollflow.jar}, named by the system property {@code enrollflow.jar} that failsafe
 * sets) run as a separate JVM, the way an operator runs it: {@code java -jar enrollflow.jar <args>} in a working
 * directory of the test's, with an environment of the test's (the parent's, minus every {@code ENROLLFLOW_*} variable,
 * plus the given ones).
 * <pre>{@code
 * EnrollflowJar.Result result = EnrollflowJar.in(dir).env("ENROLLFLOW_REDIS_URL", redis.url()).run("status", "39");
 * try (EnrollflowJar.Running worker = EnrollflowJar.in(dir).start("run")) { ... }
 * }</pre>
 */
public final class EnrollflowJar {

    /** How long a short sub-command may take. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path workingDir;
    private final Map<String, String> env = new HashMap<>();

    private EnrollflowJar(Path workingDir) {
        this.workingDir = workingDir;
    }

    /** Runs with this working directory. */
    public static EnrollflowJar in(Path workingDir) {
        return new EnrollflowJar(workingDir);
    }

    /** The jar under test; fails when failsafe did not name it or it was not built. */
    public static Path jar() {
        String path = System.getProperty("enrollflow.jar");
        if (path == null) {
            throw new IllegalStateException("system property enrollflow.jar is not set: run this test with failsafe (mvn verify)");
        }
        Path jar = Path.of(path);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: mvn package builds it before failsafe runs");
        }
        return jar;
    }

    /** Adds an environment variable. */
    public EnrollflowJar env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs a sub-command to its end. */
    public Result run(String... args) {
        try (Running running = start(args)) {
            return running.awaitExit(COMMAND_TIMEOUT);
        }
    }

    /** Starts the jar and returns while it runs (e.g. {@code run}); its output goes to files. */
    public Running start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(jar().toAbsolutePath().toString());
        command.addAll(Arrays.asList(args));
        try {
            Path out = Files.createTempFile("enrollflow-jar", ".out");
            Path err = Files.createTempFile("enrollflow-jar", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeIf(name -> name.startsWith("ENROLLFLOW_"));
            builder.environment().putAll(env);
            return new Running(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A finished run: exit code and output. */
    public record Result(int exitCode, String stdout, String stderr) {

        /** The non-blank lines of stderr. */
        public List<String> stderrLines() {
            return stderr.lines().filter(line -> !line.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** A running jar. Closing it sends SIGTERM, waits up to 30s, then kills it. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** What it wrote to stdout so far. */
        public String stdout() {
            return read(out);
        }

        /** What it wrote to stderr so far (its log lines). */
        public String stderr() {
            return read(err);
        }

        /** Waits for the process to end by itself. */
        public Result awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("enrollflow.jar did not exit within " + timeout + "\n" + stderr());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Result(process.exitValue(), stdout(), stderr());
        }

        /** SIGTERM, then waits for the exit. */
        public Result stop() {
            process.destroy();
            return awaitExit(Duration.ofSeconds(30));
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // temp files left behind
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

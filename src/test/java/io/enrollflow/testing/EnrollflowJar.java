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
 * The one way tests run the built jar ({@code target/enrollflow.jar}, named by the system property
 * {@code enrollflow.jar} that failsafe sets) as a separate JVM, the way an operator runs it: {@code java <jvm options>
 * -jar enrollflow.jar <args>} in a working directory of the test's, with an environment of the test's (the parent's,
 * minus every {@code ENROLLFLOW_*} variable, plus the given ones), stdin empty, output to files.
 * <pre>{@code
 * EnrollflowJar.Result result = EnrollflowJar.in(dir).env("ENROLLFLOW_REDIS_URL", redis.url()).run("status", "39");
 * try (EnrollflowJar.Running worker = EnrollflowJar.in(dir).env(env).jvm("-Xmx256m").logTo(log).start("run")) {
 *     worker.signal("STOP"); ... worker.signal("CONT"); worker.terminate(); worker.awaitExit(Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class EnrollflowJar {

    /** How long a short sub-command may take. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** Options for a quicker start on a small test machine; nothing enrollflow depends on. */
    private static final List<String> QUICK_START = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1");

    private final Path workingDir;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmOptions = new ArrayList<>(QUICK_START);
    private Path jar;
    private Path stdout;
    private Path stderr;
    private boolean stdinPiped;

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

    /** Adds environment variables. */
    public EnrollflowJar env(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    /** Adds JVM options (before {@code -jar}), e.g. {@code -Xmx96m}. */
    public EnrollflowJar jvm(String... options) {
        jvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    /** Adds a JVM system property ({@code -Dname=value}). */
    public EnrollflowJar property(String name, String value) {
        jvmOptions.add("-D" + name + "=" + value);
        return this;
    }

    /** Runs this jar file instead of the built one (a copy elsewhere). */
    public EnrollflowJar jar(Path file) {
        this.jar = file;
        return this;
    }

    /** stdout and stderr together, appended to this file, which the test keeps (otherwise: temp files, deleted). */
    public EnrollflowJar logTo(Path file) {
        this.stdout = file;
        this.stderr = file;
        return this;
    }

    /** stdout and stderr to these files, which the test keeps. */
    public EnrollflowJar outputTo(Path out, Path err) {
        this.stdout = out;
        this.stderr = err;
        return this;
    }

    /** Standard input is a pipe the test writes to ({@link Running#stdin()}) instead of empty. */
    public EnrollflowJar stdinPiped() {
        this.stdinPiped = true;
        return this;
    }

    /** Runs a sub-command to its end. */
    public Result run(String... args) {
        try (Running running = start(args)) {
            return running.awaitExit(COMMAND_TIMEOUT);
        }
    }

    /** Starts the jar and returns while it runs (e.g. {@code run}). */
    public Running start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (jar == null) {
            // the built jar's classes ready-made; a copy elsewhere would not match the archive
            ClassArchive.of(jar(), QUICK_START).ifPresent(archive -> command.add("-XX:SharedArchiveFile=" + archive));
        }
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add((jar != null ? jar : jar()).toAbsolutePath().toString());
        command.addAll(Arrays.asList(args));
        try {
            boolean temporary = stdout == null;
            Path out = temporary ? Files.createTempFile("enrollflow-jar", ".out") : stdout;
            Path err = temporary ? Files.createTempFile("enrollflow-jar", ".err") : stderr;
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
                    .redirectInput(stdinPiped ? ProcessBuilder.Redirect.PIPE
                            : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (out.equals(err)) {
                builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            } else {
                builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            }
            builder.environment().keySet().removeIf(name -> name.startsWith("ENROLLFLOW_"));
            builder.environment().putAll(env);
            return new Running(builder.start(), out, err, temporary);
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

    /**
     * A running jar. Closing it sends SIGTERM, waits up to 30s, then kills it and anything it started (the demo's
     * Redis).
     */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;
        private final boolean temporary;

        Running(Process process, Path out, Path err, boolean temporary) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.temporary = temporary;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public long pid() {
            return process.pid();
        }

        /** The exit code; only once it ended. */
        public int exitValue() {
            return process.exitValue();
        }

        /** stdout then stderr (one text when they go to one file), for failure messages. */
        public String log() {
            return out.equals(err) ? read(out) : "--- stdout\n" + read(out) + "--- stderr\n" + read(err);
        }

        /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code TERM}...) with kill(1). */
        public void signal(String name) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
                if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                    throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The process's standard input, when started with {@link EnrollflowJar#stdinPiped()}. */
        public java.io.OutputStream stdin() {
            return process.getOutputStream();
        }

        /** SIGTERM: asks for a graceful stop and returns at once. */
        public void terminate() {
            process.destroy();
        }

        /** SIGKILL: the process ends at once, no shutdown hook (what an OOM kill or a power cut does); waits for it. */
        public void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("enrollflow.jar survived SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Waits for the process to end by itself; empty if it still runs after {@code atMost}. */
        public java.util.Optional<Integer> exitCode(Duration atMost) {
            try {
                return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)
                        ? java.util.Optional.of(process.exitValue()) : java.util.Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return java.util.Optional.empty();
            }
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
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError("enrollflow.jar did not exit within " + timeout + "\n" + log());
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
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            if (!temporary) {
                return;
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

package io.enrollflow.demo;

import io.enrollflow.testing.EnrollflowJar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar enrollflow.jar demo} (docs/contract.md §9), run as a person would: the built jar, in a second JVM. */
class DemoIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> SAMPLE_FILES = List.of("README.txt", "Module 1 - Basics/01 Welcome.txt",
            "Module 1 - Basics/02 First steps (%dp).video", "Module 2 - Practice/01 Exercises.txt");

    @Test
    void theJarsDemoDeliversEveryCourseButTheRejectedOneAndExitsZero(@TempDir Path tmp) throws Exception {
        // a jar path with a blank and single quotes: the download command's quoting must hold
        Path jarDir = Files.createDirectories(tmp.resolve("o'brien's tools"));
        Path jar = Files.copy(Path.of(System.getProperty("enrollflow.jar")), jarDir.resolve("enrollflow.jar"));
        // a working directory with neither routes/ nor application.properties: the jar's copies must suffice
        Path workDir = Files.createDirectories(tmp.resolve("demo run"));
        Files.createDirectories(workDir.resolve("demo-out/delivered/stale-task"));
        Files.writeString(workDir.resolve("demo-out/delivered/stale-task/old.txt"), "from an earlier run");
        Files.writeString(workDir.resolve("demo-out/notes.txt"), "the operator's own file");

        Run run = runJar(jar, workDir);

        assertEquals(0, run.exit, run.describe());
        Path delivered = workDir.resolve("demo-out/delivered");
        for (DemoTask task : DemoTask.samples()) {
            Path folder = delivered.resolve(task.taskId());
            if (task.completes()) {
                int quality = task.quality() > 0 ? task.quality() : 720;
                for (String file : SAMPLE_FILES) {
                    Path path = folder.resolve(String.format(file, quality));
                    assertTrue(Files.isRegularFile(path) && Files.size(path) > 0, path + " missing or empty\n" + run.describe());
                }
                assertTrue(Files.readString(folder.resolve("README.txt")).contains(task.courseUrl()));
            } else {
                assertFalse(Files.exists(folder), task.taskId() + " was rejected but has a folder\n" + run.describe());
            }
        }
        assertFalse(Files.exists(delivered.resolve("stale-task")), "an earlier run's output was not cleared");
        assertTrue(Files.exists(workDir.resolve("demo-out/notes.txt")), "the demo cleared more than its own folders");
        assertFalse(Files.exists(workDir.resolve("routes")));

        assertTrue(run.stdout.contains("Summary"), run.describe());
        assertTrue(run.stdout.contains("5 completed, 1 failed (1 rejected on purpose"), run.describe());
        assertTrue(run.stdout.contains("enrollment_rejected"), run.describe());
        assertTrue(run.stdout.contains("retrying"), "the retried task's retry was not shown\n" + run.describe());
        assertTrue(run.stdout.contains(delivered.toAbsolutePath().toString()), run.describe());
        for (DemoTask task : DemoTask.samples()) {
            assertTrue(run.stdout.contains(io.enrollflow.util.Masking.email(task.email())), run.describe());
            assertFalse(run.stdout.contains(task.email()) || run.stderr.contains(task.email()),
                    task.email() + " appears unmasked\n" + run.describe());
        }
    }

    @Test
    void theDemoRunsInProcessAndLeavesNoRedisOrServiceBehind(@TempDir Path workDir) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int exit = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8), workDir).run(null);

        String out = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(Files.isDirectory(workDir.resolve("demo-out/delivered/demo-1")), out);
        for (String pattern : List.of("redis://127\\.0\\.0\\.1:(\\d+)", "http://127\\.0\\.0\\.1:(\\d+)/api/v1/enroll")) {
            Matcher m = Pattern.compile(pattern).matcher(out);
            assertTrue(m.find(), "no " + pattern + " in\n" + out);
            int port = Integer.parseInt(m.group(1));
            // a stopped server's socket can take a moment to close: look for up to 5 s
            await("nothing listens on " + port).atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                            return false;
                        } catch (IOException closed) {
                            return true;
                        }
                    });
        }
    }

    private record Run(int exit, String stdout, String stderr) {
        String describe() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private static Run runJar(Path jar, Path workDir) {
        // an environment that names a Sentinel fleet waiting for replicas (no such fleet here): the demo keeps to its
        // bundled Redis all the same
        try (EnrollflowJar.Running demo = EnrollflowJar.in(workDir).jar(jar).env("ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:1")
                .env("ENROLLFLOW_REDIS_WAIT_REPLICAS", "1").start("demo")) {
            EnrollflowJar.Result result = demo.awaitExit(EXIT_TIMEOUT);
            return new Run(result.exitCode(), result.stdout(), result.stderr());
        }
    }
}

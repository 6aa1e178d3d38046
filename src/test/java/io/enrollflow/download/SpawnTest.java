package io.enrollflow.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Spawn} against real processes: what the command gets (working directory, environment, descriptors, a
 * session of its own), how it is found (as ProcessBuilder through setsid found it), and the {@link Process} it is.
 */
@EnabledOnOs(OS.LINUX)
class SpawnTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>(System.getenv());

    @Test
    void onLinuxCommandsStartWithPosixSpawn() {
        assertTrue(Spawn.available(), "posix_spawn bound: " + Spawn.unavailableReason());
        assertTrue(DownloadRunner.SPAWN, "the runner uses it");
    }

    @Test
    void theExitCodeIsReportedAsJavaReportsIt() throws Exception {
        assertEquals(0, run("sh", "-c", "exit 0").exit);
        assertEquals(3, run("sh", "-c", "exit 3").exit);
        assertEquals(128 + 9, run("sh", "-c", "kill -KILL $$").exit, "killed by a signal: 128 + its number");
    }

    @Test
    void stdoutAndStderrArriveInOrderThroughOneStream() throws Exception {
        Result result = run("sh", "-c", "echo one; echo two >&2; echo three; echo four >&2");

        assertEquals("one\ntwo\nthree\nfour\n", result.output);
    }

    @Test
    void theWorkingDirectoryIsTheTaskFolder() throws Exception {
        assertEquals(dir.toRealPath() + "\n", run("sh", "-c", "pwd -P").output);
    }

    @Test
    void aRelativePathIsFoundFromTheTaskFolderAsProcessBuilderThroughSetsidFoundIt() throws Exception {
        script(dir.resolve("bin/tool"), "echo the task folder tool\n");

        assertEquals("the task folder tool\n", run("bin/tool").output);
        assertEquals("the task folder tool\n", throughSetsid("bin/tool"), "as before posix_spawn");
    }

    @Test
    void aRelativePathIsNotFoundFromTheJvmsWorkingDirectory() throws Exception {
        // the JVM's working directory holds the tool, the task folder does not: neither way finds it
        Path jvmRelative = Path.of("target", "spawn-test-" + UUID.randomUUID(), "tool");
        script(jvmRelative.toAbsolutePath(), "echo the JVM tool\n");
        try {
            IOException e = assertThrows(IOException.class, () -> start(jvmRelative.toString()));
            assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
            assertThrows(IOException.class, () -> throughSetsid(jvmRelative.toString()), "as before posix_spawn");
        } finally {
            Files.delete(jvmRelative.toAbsolutePath());
            Files.delete(jvmRelative.toAbsolutePath().getParent());
        }
    }

    @Test
    void aBareNameIsTheFirstExecutableMatchInPath() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        Files.writeString(first.resolve("fetch-course"), "not executable");
        script(second.resolve("fetch-course"), "echo from second\n");
        script(dir.resolve("third/fetch-course"), "echo from third\n");
        env.put("PATH", first + ":" + second + ":" + dir.resolve("third") + ":" + System.getenv("PATH"));

        assertEquals("from second\n", run("fetch-course").output);
    }

    @Test
    void aCommandThatIsNotThereCannotStartAndLeavesNothingOpen() throws Exception {
        long pipesBefore = pipesOfTheJvm();

        IOException bare = assertThrows(IOException.class, () -> start("no-such-download-tool-" + UUID.randomUUID()));
        assertTrue(bare.getMessage().contains("not found in PATH"), bare.getMessage());
        for (int i = 0; i < 5; i++) {
            IOException path = assertThrows(IOException.class, () -> start(dir.resolve("missing").toString()));
            assertTrue(path.getMessage().contains("error=2, No such file or directory"), path.getMessage());
        }
        Path notExecutable = Files.writeString(dir.resolve("not-executable"), "echo hi\n");
        IOException denied = assertThrows(IOException.class, () -> start(notExecutable.toString()));
        assertTrue(denied.getMessage().contains("Permission denied"), denied.getMessage());

        assertEquals(pipesBefore, pipesOfTheJvm(), "every pipe of a failed start was closed");
    }

    @Test
    void aScriptWithoutAnInterpreterLineRunsThroughTheShellAsBefore() throws Exception {
        Path script = dir.resolve("no-shebang");
        Files.writeString(script, "echo \"shell ran $1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        assertEquals("shell ran it\n", run(script.toString(), "it").output);
        assertEquals("shell ran it\n", throughSetsid(script.toString(), "it"), "as before posix_spawn");
    }

    @Test
    void theCommandLeadsASessionAndAProcessGroupOfItsOwn() throws Exception {
        Process process = start("sleep", "300");
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the name: state, ppid, pgrp, session
            assertEquals(ProcessHandle.current().pid(), Long.parseLong(fields[1]), "a child of the JVM");
            assertEquals(process.pid(), Long.parseLong(fields[2]), "process group leader");
            assertEquals(process.pid(), Long.parseLong(fields[3]), "session leader");
        } finally {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Test
    void noDescriptorOfTheJvmReachesTheCommand() throws Exception {
        // a file and a listening socket held open by the JVM meanwhile (Java opens files without close-on-exec)
        Path secret = Files.writeString(dir.resolve("secret"), "token");
        try (RandomAccessFile file = new RandomAccessFile(secret.toFile(), "r");
             ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(file.getFD().valid() && socket.isBound());
            Process process = start("sleep", "300");
            try {
                Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
                Set<String> open;
                try (Stream<Path> list = Files.list(fds)) {
                    open = list.map(fd -> fd.getFileName().toString()).collect(Collectors.toCollection(java.util.TreeSet::new));
                }
                assertEquals(Set.of("0", "1", "2"), open, "the command's descriptors");
                Map<String, String> target = new TreeMap<>();
                for (String fd : open) {
                    target.put(fd, Files.readSymbolicLink(fds.resolve(fd)).toString());
                }
                assertEquals("/dev/null", target.get("0"));
                assertTrue(target.get("1").startsWith("pipe:"), target.toString());
                assertEquals(target.get("1"), target.get("2"), "stdout and stderr are one pipe");
            } finally {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    @Test
    void theEnvironmentIsExactlyTheOneGiven() throws Exception {
        Map<String, String> given = new TreeMap<>();
        given.put("PATH", System.getenv("PATH"));
        given.put("COURSE", "value with spaces");
        given.put("EMPTY", "");
        env.clear();
        env.putAll(given);
        env.remove("EMPTY");
        given.remove("EMPTY");

        String printed = run("env").output;

        Map<String, String> seen = new TreeMap<>();
        for (String line : printed.split("\n")) {
            int eq = line.indexOf('=');
            seen.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertEquals(given, seen, "nothing added, nothing removed, the removed one absent");
    }

    @Test
    void stdinIsEmpty() throws Exception {
        assertEquals("0", run("sh", "-c", "wc -c").output.trim());
    }

    @Test
    void waitingWithATimeoutSaysFalseWhileItRunsAndDestroyEndsIt() throws Exception {
        Process process = start("sleep", "300");

        assertFalse(process.waitFor(100, TimeUnit.MILLISECONDS), "still running");
        assertTrue(process.isAlive());
        assertThrows(IllegalThreadStateException.class, process::exitValue);
        assertTrue(process.toHandle().isAlive());

        process.destroy();

        assertTrue(process.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(128 + 15, process.exitValue(), "ended by SIGTERM");
        assertFalse(process.isAlive());
        assertTrue(process.onExit().isDone());
        assertEquals(0, process.descendants().count(), "gone: no descendants to find");
        process.destroyForcibly();
        assertEquals(-1, process.getInputStream().read(), "the output ended");
    }

    @Test
    void theOutputsDescriptorIsReleasedAtItsEndWithoutAClose() throws Exception {
        long pipesBefore = pipesOfTheJvm();

        // read to its end as the runner's output pump does, which never closes the stream
        for (int i = 0; i < 5; i++) {
            assertEquals("done\n", run("sh", "-c", "echo done").output);
        }

        assertEquals(pipesBefore, pipesOfTheJvm(), "one pipe per run would leak a descriptor per task");
    }

    @Test
    void closingTheOutputDuringABlockedReadReleasesItWhenTheReadReturns() throws Exception {
        long pipesBefore = pipesOfTheJvm();
        Process process = start("sleep", "300");
        InputStream output = process.getInputStream();
        assertEquals(pipesBefore + 1, pipesOfTheJvm(), "the read end");
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return output.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        await().atMost(LONG).until(() -> readerBlocked(read));

        output.close();
        assertEquals(pipesBefore + 1, pipesOfTheJvm(), "not closed under the blocked read");
        process.destroy();

        assertEquals(-1, read.get(LONG.toSeconds(), TimeUnit.SECONDS), "the read saw the end");
        assertEquals(pipesBefore, pipesOfTheJvm(), "released once the read returned");
        assertThrows(IOException.class, output::read, "closed");
        assertTrue(process.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void descendantsAreSeenWhileTheCommandRuns() throws Exception {
        Process process = start("sh", "-c", "sleep 300 & echo $!; wait");
        try {
            long child = Long.parseLong(new String(readLine(process), StandardCharsets.UTF_8).trim());
            await().atMost(LONG).until(() -> process.descendants().anyMatch(handle -> handle.pid() == child));
        } finally {
            ProcessGroups.signal(process.pid(), ProcessGroups.Signal.KILL);
            process.waitFor();
        }
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... argv) throws Exception {
        Process process = start(argv);
        assertTrue(process.waitFor(LONG.toSeconds(), TimeUnit.SECONDS), "ended");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), output);
    }

    private Process start(String... argv) throws IOException {
        return Spawn.start(List.of(argv), dir, env);
    }

    /** The output of the command started the way it was before posix_spawn; IOException when it cannot start. */
    private String throughSetsid(String... argv) throws Exception {
        List<String> words = Stream.concat(Stream.of(DownloadRunner.SETSID.toString()), Stream.of(argv)).toList();
        Process process = new ProcessBuilder(words).directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() == 127) {
            throw new IOException("setsid could not run it: " + output);
        }
        return output;
    }

    /** True once some thread sits in the pipe's native read (what a blocked download output pump does). */
    private static boolean readerBlocked(CompletableFuture<Integer> read) {
        return !read.isDone() && Thread.getAllStackTraces().values().stream().anyMatch(stack -> stack.length > 0
                && stack[0].getMethodName().equals("read") && stack[0].isNativeMethod()
                && stack[0].getClassName().endsWith("Spawn$LibC"));
    }

    private static byte[] readLine(Process process) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = process.getInputStream().read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toByteArray();
    }

    private static long pipesOfTheJvm() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).filter(target -> target.startsWith("pipe:")).collect(Collectors.counting());
        }
    }

    private static void script(Path path, String body) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    }
}

package io.enrollflow.download;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.DownloadCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a download command gets (docs/contract.md §5): a session and process group of its own, the task folder, stdin
 * empty, one stream for stdout and stderr, no descriptor of the JVM, and an environment without enrollflow's own
 * variables but with its run's mark.
 */
@EnabledOnOs(OS.LINUX)
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void theCommandLeadsASessionAndAProcessGroupOfItsOwn() throws Exception {
        Process process = Launcher.start(List.of("sleep", "300"), dir, 0).process();
        try {
            // setsid makes it a leader a moment after the start (once the JDK's launch helper has exec'd it)
            await().atMost(Duration.ofSeconds(30)).until(() -> Leftovers.stat(process.pid()).orElseThrow().sid()
                    == process.pid());
            Leftovers.Proc stat = Leftovers.stat(process.pid()).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), stat.ppid(), "a child of the JVM");
            assertEquals(process.pid(), stat.pgid(), "process group leader");
            assertEquals(process.pid(), stat.sid(), "session leader");
        } finally {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Test
    void itRunsInTheTaskFolderWithStdinEmptyAndBothOutputsInOneStreamInOrder() throws Exception {
        String output = run("sh", "-c", "pwd; wc -c; echo to-stderr >&2; echo to-stdout");

        assertEquals(dir.toRealPath() + "\n0\nto-stderr\nto-stdout\n", output);
    }

    @Test
    void noDescriptorOfTheJvmReachesTheCommand() throws Exception {
        // a file and a listening socket held open by the JVM meanwhile
        Path secret = Files.writeString(dir.resolve("secret"), "token");
        try (RandomAccessFile file = new RandomAccessFile(secret.toFile(), "r");
             ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(file.getFD().valid() && socket.isBound());
            Process process = Launcher.start(List.of("sleep", "300"), dir, 0).process();
            try {
                Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
                Set<String> open;
                try (Stream<Path> list = Files.list(fds)) {
                    open = list.map(fd -> fd.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
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
    void enrollflowsOwnVariablesStayOutOfTheCommandsEnvironment() {
        Map<String, String> env = Launcher.commandEnvironment(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/w",
                "ENROLLFLOW_ENROLL_TOKEN", "secret-token", "ENROLLFLOW_DRIVE_DELEGATE", "a@b.example"));

        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/w"), env);
    }

    @Test
    void eachRunCarriesAMarkOfItsOwnAndNoOtherEnrollflowVariable() throws Exception {
        Launcher.Started first = Launcher.start(List.of("env"), dir, 0);
        Launcher.Started second = Launcher.start(List.of("env"), dir, 0);

        List<String> printed = output(first.process()).lines().filter(line -> line.startsWith("ENROLLFLOW_")).toList();

        assertEquals(List.of(Launcher.MARK + "=" + first.mark()), printed);
        output(second.process());
        assertNotEquals(first.mark(), second.mark());
    }

    @Test
    void aCommandThatIsNotThereRunsAndFailsAsTheCommandsOwnExit() throws Exception {
        // setsid itself starts; it is setsid that cannot find the command, and says so in the log
        Process process = Launcher.start(List.of("no-such-download-tool-" + System.nanoTime()), dir, 0).process();

        String output = output(process);

        assertNotEquals(0, process.exitValue());
        assertTrue(output.contains("no-such-download-tool"), output);
    }

    @Test
    void setsidIsFoundWhereUtilLinuxPutsItOrOnPath(@TempDir Path bin) throws Exception {
        Path own = Files.writeString(bin.resolve("setsid"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));

        assertEquals(own, Launcher.find(List.of(dir.resolve("setsid")), "setsid", "relative:" + bin).orElseThrow());
        assertFalse(Launcher.find(List.of(dir.resolve("setsid")), "setsid", "relative:" + dir).isPresent());
    }

    @Test
    void withoutSetsidStartUpStopsWithOneLineNamingTheSetting() {
        ConfigException missing = Launcher.noSetsid();

        assertEquals(DownloadCommand.KEY, missing.key());
        assertTrue(missing.getMessage().startsWith(DownloadCommand.KEY + ": ") && missing.getMessage().contains("setsid")
                && !missing.getMessage().contains("\n"), missing.getMessage());
    }

    @Test
    void aNicenessRunsTheCommandAndWhatItStartsAtItAndNoneLeavesItAsEnrollflows() throws Exception {
        String own = run("nice").trim();

        // the command itself, and a process it starts (sh's child), each report their niceness
        String niced = output(Launcher.start(List.of("sh", "-c", "nice; sh -c nice"), dir, 10).process());

        assertEquals(List.of(String.valueOf(Integer.parseInt(own) + 10), String.valueOf(Integer.parseInt(own) + 10)),
                niced.lines().toList());
        assertEquals(own, output(Launcher.start(List.of("nice"), dir, 0).process()).trim());
    }

    @Test
    void underAutogroupSchedulingTheDownloadsSessionGetsTheNicenessAndEnrollflowsOwnKeepsItsOwn() throws Exception {
        boolean autogroup = SessionNice.autogroupOn(Path.of("/proc/sys/kernel/sched_autogroup_enabled"));
        Path ownFile = Path.of("/proc/self/autogroup");
        String ownGroup = Files.exists(ownFile) ? Files.readString(ownFile).trim() : "none";
        // the session's niceness is written from enrollflow's side once setsid has made it: the command waits for it
        String wait = "for i in $(seq 100); do grep -q ' nice 10$' /proc/self/autogroup 2>/dev/null && break; "
                + "sleep 0.05; done; cat /proc/self/autogroup 2>/dev/null || echo none";

        String niced = output(Launcher.start(List.of("sh", "-c", wait), dir, 10).process()).trim();

        if (autogroup) {
            assertTrue(niced.endsWith(" nice 10"), niced);
            assertNotEquals(ownGroup.split(" ")[0], niced.split(" ")[0], "the download's session is a group of its own");
            String plain = output(Launcher.start(List.of("cat", "/proc/self/autogroup"), dir, 0).process()).trim();
            assertTrue(plain.endsWith(" nice 0"), plain);
        } else {
            // sessions weigh nothing of their own there: only the processes' niceness counts (the test above)
            assertFalse(niced.endsWith(" nice 10"), "nothing is written where the kernel does not schedule by session");
        }
        assertEquals(ownGroup, Files.exists(ownFile) ? Files.readString(ownFile).trim() : "none",
                "enrollflow's own group is as it was");
    }

    @Test
    void aSessionsLeaderIsReadFromTheStatFieldsAfterTheCommandsName() throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (a ) 1 2 3 odd name) S 1 4242 4242 0 -1 4194560\n");
        assertTrue(SessionNice.leadsItsSession(stat, 4242));
        Files.writeString(stat, "4243 (setsid) S 1 4200 4200 0 -1 4194560\n");
        assertFalse(SessionNice.leadsItsSession(stat, 4243), "not yet: still in its parent's session");
        assertFalse(SessionNice.leadsItsSession(dir.resolve("gone"), 1), "a process that is gone");
    }

    private String run(String... argv) throws Exception {
        return output(Launcher.start(List.of(argv), dir, 0).process());
    }

    private static String output(Process process) throws IOException, InterruptedException {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return output;
    }
}

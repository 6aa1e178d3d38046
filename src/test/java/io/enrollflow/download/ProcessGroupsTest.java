package io.enrollflow.download;

import io.enrollflow.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both ways a group is signalled: the C library's kill through JNA, and the kill program where JNA cannot load. */
@EnabledOnOs(OS.LINUX)
class ProcessGroupsTest {

    /** How a signal is sent: the two paths of {@link ProcessGroups}. */
    private interface Sender {
        boolean signal(long pgid, ProcessGroups.Signal signal) throws Exception;
    }

    private static final Sender NATIVE = ProcessGroups::signalNatively;
    private static final Sender PROGRAM = ProcessGroups::signalByProgram;

    @Test
    void onLinuxTheGroupIsSignalledByASystemCallNotAProgram() {
        assertTrue(ProcessGroups.nativeKill(), "JNA bound the C library's kill");
    }

    @Test
    void aSignalThroughTheCLibraryReachesEveryProcessOfTheGroup() throws Exception {
        aSignalReachesEveryProcessOfTheGroup(NATIVE);
    }

    @Test
    void aSignalThroughTheKillProgramReachesEveryProcessOfTheGroup() throws Exception {
        aSignalReachesEveryProcessOfTheGroup(PROGRAM);
    }

    @Test
    void aGroupWhoseProcessesAllEndedSaysSoThroughTheCLibrary() throws Exception {
        aGroupWhoseProcessesAllEndedSaysSo(NATIVE);
    }

    @Test
    void aGroupWhoseProcessesAllEndedSaysSoThroughTheKillProgram() throws Exception {
        aGroupWhoseProcessesAllEndedSaysSo(PROGRAM);
    }

    private static void aSignalReachesEveryProcessOfTheGroup(Sender path) throws Exception {
        // the leader and a child of its own in one new group, as a download and what it started
        Process leader = new ProcessBuilder(Launcher.setsid().toString(), "sh", "-c", "sleep 300 & echo $!; wait")
                .redirectErrorStream(true).start();
        long child;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8))) {
            child = Long.parseLong(output.readLine().trim());
        }
        assertTrue(Processes.isRunning(child));

        assertTrue(path.signal(leader.pid(), ProcessGroups.Signal.TERM), "the group had processes");

        await().atMost(Duration.ofSeconds(30)).until(() -> !leader.isAlive() && !Processes.isRunning(child));
    }

    private static void aGroupWhoseProcessesAllEndedSaysSo(Sender path) throws Exception {
        Process leader = new ProcessBuilder(Launcher.setsid().toString(), "true").start();
        assertTrue(leader.waitFor(30, TimeUnit.SECONDS));

        assertFalse(path.signal(leader.pid(), ProcessGroups.Signal.TERM), "nothing is left in the group");
    }
}

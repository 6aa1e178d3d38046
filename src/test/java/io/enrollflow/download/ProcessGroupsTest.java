package io.enrollflow.download;

import io.enrollflow.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EnabledOnOs(OS.LINUX)
class ProcessGroupsTest {

    /** util-linux setsid, as the download runner uses it: the command leads a new process group. */
    private final Path setsid = Path.of("/usr/bin/setsid");

    @Test
    void onLinuxTheGroupIsSignalledByASystemCallNotAProgram() {
        assertTrue(ProcessGroups.nativeKill(), "JNA bound the C library's kill");
    }

    @Test
    void aSignalReachesEveryProcessOfTheGroup() throws Exception {
        // the leader and a child of its own in one new group, as a download and what it started
        Process leader = new ProcessBuilder(setsid.toString(), "sh", "-c", "sleep 300 & echo $!; wait")
                .redirectErrorStream(true).start();
        long child;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8))) {
            child = Long.parseLong(output.readLine().trim());
        }
        assertTrue(Processes.isRunning(child));

        assertTrue(ProcessGroups.signal(leader.pid(), ProcessGroups.Signal.TERM), "the group had processes");

        await().atMost(Duration.ofSeconds(30)).until(() -> !leader.isAlive() && !Processes.isRunning(child));
    }

    @Test
    void aGroupWhoseProcessesAllEndedSaysSo() throws Exception {
        Process leader = new ProcessBuilder(setsid.toString(), "true").start();
        assertTrue(leader.waitFor(30, TimeUnit.SECONDS));

        assertFalse(ProcessGroups.signal(leader.pid(), ProcessGroups.Signal.TERM), "nothing is left in the group");
    }
}

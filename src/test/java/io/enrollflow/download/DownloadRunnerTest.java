package io.enrollflow.download;

import io.enrollflow.config.DownloadCommand;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskParser;
import io.enrollflow.testing.Processes;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §5 on the runner: what counts as a file ("exit 0 with at least one file"; links never do), nothing the
 * command started outlives it, and its log is bounded and lives where no task folder can be.
 */
class DownloadRunnerTest {

    @TempDir
    Path dir;

    @Test
    void foldersWithoutAFileAreNoDownload() throws Exception {
        Files.createDirectories(dir.resolve("Module 1/Lesson 1"));
        Files.createDirectories(dir.resolve("Module 2"));

        assertFalse(DownloadRunner.hasFile(dir));
    }

    @Test
    void aFileDeepInTheTreeIsADownload() throws Exception {
        Files.createDirectories(dir.resolve("Module 1/Lesson 1"));
        Path deep = Files.createDirectories(dir.resolve("Module 2/Lesson 4"));
        Files.writeString(deep.resolve("video.mp4"), "frames");

        assertTrue(DownloadRunner.hasFile(dir));
    }

    @Test
    void aLinkIsNeverAFileOfTheTaskWhereverItPoints(@TempDir Path elsewhere) throws Exception {
        Files.writeString(elsewhere.resolve("outside.txt"), "not in the task folder");
        Path task = Files.createDirectories(dir.resolve("task"));
        Files.createSymbolicLink(task.resolve("linked-folder"), elsewhere);
        Files.createSymbolicLink(task.resolve("notes.txt"), elsewhere.resolve("outside.txt"));

        assertFalse(DownloadRunner.hasFile(task), "only a regular file of the tree is a download");

        Files.writeString(task.resolve("real.txt"), "the course");
        assertTrue(DownloadRunner.hasFile(task));
    }

    @Test
    void nothingTheDownloadStartedOutlivesItsExitZero() throws Exception {
        Path pids = dir.resolve("pids");
        // a nohup'ed child, a double-forked one (re-parented away from the tree), and one in a session of its own
        Path script = script("detaches", "nohup sleep 300 >/dev/null 2>&1 &\n"
                + "echo $! >> '" + pids + "'\n"
                + "( sleep 301 >/dev/null 2>&1 & echo $! >> '" + pids + "' )\n"
                + "setsid sleep 302 >/dev/null 2>&1 &\n"
                + "echo $! >> '" + pids + "'\n"
                + "sleep 1\n"
                + "echo course > lesson.txt\n");
        DownloadRunner runner = runner(script, Duration.ofMinutes(1));

        assertEquals(DownloadRunner.Outcome.DOWNLOADED, runner.run(task("detached")));

        List<Long> started = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong).toList();
        assertEquals(3, started.size(), started.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> started.stream().noneMatch(Processes::isRunning));
    }

    @Test
    void aDownloadKilledAtItsTimeoutTakesWithItAChildThatLeftItsSessionAndClearedItsEnvironment() throws Exception {
        Path pids = dir.resolve("pids");
        // no group, no session, no mark: only its parent, alive until the end, links it to the run
        Path script = script("escapes", "env -i " + Launcher.setsid() + " sleep 303 >/dev/null 2>&1 &\n"
                + "echo $! >> '" + pids + "'\n"
                + "echo course > lesson.txt\n"
                + "sleep 300\n");
        DownloadRunner runner = runner(script, Duration.ofSeconds(2));

        assertThrows(DownloadTimeoutException.class, () -> runner.run(task("escapes")));

        long escaped = Long.parseLong(Files.readString(pids).trim());
        await().atMost(Duration.ofSeconds(30)).until(() -> !Processes.isRunning(escaped));
    }

    @Test
    void theLargestPidIsReadWhole() throws Exception {
        // the kernel's own bounds for pid_max (301 to 4194304): a value read in part ("3" of "32768") is below them
        String text;
        try (var in = Files.newInputStream(Path.of("/proc/sys/kernel/pid_max"))) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        assertEquals(Long.parseLong(text), Leftovers.PID_MAX);
        assertTrue(Leftovers.PID_MAX >= 301, "pid_max " + Leftovers.PID_MAX);
    }

    @Test
    void theRunsProcessesAreFoundByGroupByParentAndByMarkButNotAnotherRunsProcess() throws Exception {
        Path pids = dir.resolve("pids");
        Launcher.Started run = Launcher.start(List.of("sh", "-c", "sleep 300 & echo $! >> '" + pids + "'; "
                + Launcher.setsid() + " sleep 301 & echo $! >> '" + pids + "'; wait"), dir, 0);
        Launcher.Started other = Launcher.start(List.of("sleep", "302"), dir, 0);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);
            List<Long> started = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong).toList();

            List<Long> found = Leftovers.find(run.process().pid(), run.mark(), run.forks()).stream()
                    .map(Leftovers.Proc::pid).toList();

            assertTrue(found.containsAll(started), found + " holds " + started);
            assertFalse(found.contains(other.process().pid()), "another run's process is not this run's");
            // as found once the pid counter may have wrapped since the start: every pid is looked at, to the same end
            List<Long> afterAWrap = Leftovers.find(run.process().pid(), run.mark(), -1).stream()
                    .map(Leftovers.Proc::pid).toList();
            assertTrue(afterAWrap.containsAll(started), afterAWrap + " holds " + started);
            assertFalse(afterAWrap.contains(other.process().pid()), "another run's process is not this run's");
        } finally {
            Leftovers.end(run);
            Leftovers.end(other);
        }
    }

    @Test
    void theLogKeepsItsTailWithinItsCapAndAnEndlessLineIsNotHeld() throws Exception {
        Path script = script("floods", "head -c 3000000 /dev/zero | tr '\\0' 'x'\n"
                + "echo\necho 'the last words'\necho course > lesson.txt\n");
        DownloadRunner runner = runner(script, Duration.ofMinutes(1));
        Task task = task("floods");

        assertEquals(DownloadRunner.Outcome.DOWNLOADED, runner.run(task));

        Path log = runner.logFile(task);
        assertTrue(Files.size(log) <= BoundedLog.MAX_LOG_BYTES, "log size " + Files.size(log));
        String text = Files.readString(log);
        assertTrue(text.startsWith("--- enrollflow: ") && text.contains("earlier bytes of output were cut"), text.substring(0, 200));
        assertTrue(text.stripTrailing().endsWith("the last words"), "the tail is kept");
        assertTrue(runner.logTail(task).stripTrailing().endsWith("the last words"));
    }

    @Test
    void theLogShowsARunningDownloadsOutputBeforeItEnds() throws Exception {
        Path gate = dir.resolve("gate");
        Path script = script("progress", "echo '[download] 1.0% of lecture 1'\n"
                + "while [ ! -f '" + gate + "' ]; do sleep 0.05; done\n"
                + "echo course > lesson.txt\n");
        DownloadRunner runner = runner(script, Duration.ofMinutes(1));
        Task task = task("progress");
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(task);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(runner.logFile(task))
                && Files.readString(runner.logFile(task)).contains("1.0% of lecture 1"));

        assertFalse(run.isDone(), "still downloading");
        Files.writeString(gate, "open");
        assertEquals(DownloadRunner.Outcome.DOWNLOADED, run.get());
    }

    @Test
    void logsLiveWhereNoTaskFolderCanBe() {
        DownloadRunner runner = runner(dir.resolve("none.sh"), Duration.ofMinutes(1));

        Path logOfA = runner.logFile(task("a"));
        Path folderOfALog = runner.taskDir(task("a.log"));

        assertNotEquals(logOfA, folderOfALog);
        assertNotEquals(runner.logFile(task("a.log")), runner.taskDir(task("a")));
        assertEquals(dir.resolve("work").resolve(DownloadRunner.LOGS_FOLDER), logOfA.getParent());
        assertFalse(TaskParser.TASK_ID.matcher(DownloadRunner.LOGS_FOLDER).matches(), "no task id can name the logs' folder");
    }

    private DownloadRunner runner(Path script, Duration timeout) {
        return runner(script, timeout, 0);
    }

    private DownloadRunner runner(Path script, Duration timeout, int nice) {
        return new DownloadRunner(DownloadCommand.parse("'" + script + "' ${taskDir}"), dir.resolve("work"), timeout,
                Pattern.compile("(?i)are you enrolled"), nice);
    }

    private static Task task(String id) {
        String raw = Tasks.aTask().id(id).json();
        return new TaskParser(720, Set.of()).parse(raw, TaskParser.peek(raw));
    }

    private Path script(String name, String body) throws Exception {
        Path script = dir.resolve(name + ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}

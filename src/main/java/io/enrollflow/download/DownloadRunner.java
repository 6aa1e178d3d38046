package io.enrollflow.download;

import io.enrollflow.config.DownloadCommand;
import io.enrollflow.logging.Event;
import io.enrollflow.task.Task;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the download command for one task (docs/contract.md §5):
 * <ol>
 *   <li>{@code <work-dir>/<taskId>} is created (or kept from an earlier attempt: tools may resume) and is the
 *       process's working directory;</li>
 *   <li>the command runs without a shell, stdin closed, with enrollflow's own ENROLLFLOW_* variables (tokens) removed
 *       from its environment, in a session and process group of its own ({@link Spawn}); its stdout and stderr are
 *       pumped into {@code <work-dir>/_logs/<taskId>.log} within bounds ({@link DownloadOutput});</li>
 *   <li>past the timeout, or when the worker stops, the whole group is killed; after any exit, exit 0 included, what
 *       the command started and left running is killed too ({@link #killEverything}): nothing outlives the task;</li>
 *   <li>the outcome: output matching the not-enrolled pattern → {@link Outcome#NOT_ENROLLED}; else exit 0 with at least
 *       one regular file → {@link Outcome#DOWNLOADED}; else a {@link DownloadFailedException}.</li>
 * </ol>
 * Logs live in their own folder, {@value #LOGS_FOLDER}: a task id starts with a letter or digit, so no task's folder
 * can be that folder, and inside it each log is {@code <taskId>.log} (task {@code a.log}'s is {@code a.log.log}, task
 * {@code a}'s is {@code a.log}: distinct).
 * <p>
 * Why a session of its own: Java 17 cannot start a process in a new process group, and a tree kill by parent links
 * misses children that were re-parented (a tool that daemonises a helper, a {@code nohup cmd &}). Started by
 * {@link Spawn} (glibc's {@code posix_spawn} with {@code POSIX_SPAWN_SETSID}, through JNA; argv, never a shell), the
 * command leads a new session and process group whose id is its pid, and everything it starts stays in that group
 * unless it calls {@code setsid} itself; SIGTERM then SIGKILL to the group ({@link ProcessGroups}: one system call
 * each) reaches them all. {@code posix_spawn} rather than the {@code setsid} program in front of the command: that
 * program's exec and C library start-up cost as much CPU as a small download command. Where {@link Spawn} cannot
 * bind (not Linux/glibc, no JNA), the command runs through {@code setsid} (util-linux), and where that is
 * missing too, without a group. For children that leave the group on purpose, the runner also remembers every
 * descendant it sees while the command runs (a look every {@link #WATCH_INTERVAL}) and kills those still alive at
 * the end. Without a group, only that second half applies.
 */
public class DownloadRunner {

    /** What the download said. */
    public enum Outcome { DOWNLOADED, NOT_ENROLLED }

    /** How much of the log a dead-letter record keeps. */
    public static final int LOG_TAIL_BYTES = 4096;
    /** The folder under work-dir that holds the logs; no task id can name it (ids start with a letter or digit). */
    public static final String LOGS_FOLDER = "_logs";
    /** After SIGTERM to the group, how long its processes get to end before SIGKILL. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(3);
    /** How often the running command's descendants are looked at (to kill those that leave the group). */
    static final Duration WATCH_INTERVAL = Duration.ofMillis(250);
    /** After the command and its group are gone, how long the output may take to end. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);

    /** util-linux {@code setsid}, when present: the command then leads a process group of its own. */
    static final Path SETSID = firstExisting("/usr/bin/setsid", "/bin/setsid");

    private static final Logger LOG = LogManager.getLogger(DownloadRunner.class);

    /** True when commands start with posix_spawn (else through {@link #SETSID}, when present, by ProcessBuilder). */
    static final boolean SPAWN = Spawn.available();
    /** True when the command leads a process group of its own, which can then be signalled whole. */
    static final boolean OWN_GROUP = SPAWN || SETSID != null;
    /**
     * The command's environment: the JVM's, which cannot change while it runs, without enrollflow's own ENROLLFLOW_*
     * variables (tokens); built once.
     */
    private static final Map<String, String> COMMAND_ENVIRONMENT = commandEnvironment();
    /** The same, encoded once for posix_spawn. */
    private static final Spawn.Environment SPAWN_ENVIRONMENT = SPAWN ? new Spawn.Environment(COMMAND_ENVIRONMENT) : null;

    static {
        // once per JVM, so an operator can tell from the log how downloads start (and why not the fast way)
        if (SPAWN) {
            Event.info(LOG).stage("download").outcome("spawn")
                    .note("posix_spawn: each download leads a session and process group of its own").log();
        } else if (SETSID != null) {
            Event.info(LOG).stage("download").outcome("spawn")
                    .note("through " + SETSID + ": posix_spawn is not available")
                    .error(Spawn.unavailableReason()).log();
        } else {
            Event.info(LOG).stage("download").outcome("spawn").note("without a process group of its own: neither"
                    + " posix_spawn nor setsid is available; descendants are killed one by one")
                    .error(Spawn.unavailableReason()).log();
        }
    }

    private final DownloadCommand command;
    private final Path workDir;
    private final Duration timeout;
    private final Pattern notEnrolled;

    public DownloadRunner(DownloadCommand command, Path workDir, Duration timeout, Pattern notEnrolled) {
        this.command = command;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.timeout = timeout;
        this.notEnrolled = notEnrolled;
    }

    /** {@code <work-dir>/<taskId>}; the task id's rule keeps it inside work-dir. */
    public Path taskDir(Task task) {
        return workDir.resolve(task.taskId());
    }

    /** {@code <work-dir>/_logs/<taskId>.log}. */
    public Path logFile(Task task) {
        return workDir.resolve(LOGS_FOLDER).resolve(task.taskId() + ".log");
    }

    /**
     * Runs the command once.
     *
     * @throws DownloadFailedException  non-zero exit, or exit 0 with no file
     * @throws DownloadTimeoutException ran past the timeout (the group was killed)
     * @throws InterruptedException     the worker is shutting down or the run was fenced (the group was killed)
     */
    public Outcome run(Task task) throws IOException, InterruptedException {
        Path taskDir = taskDir(task);
        PrivateFiles.folders(taskDir);
        Path log = logFile(task);
        if (!Files.isDirectory(log.getParent())) {
            // made by the first task (or again, should someone remove it); a look costs less than a failed creation
            PrivateFiles.folders(log.getParent());
        }

        Process process;
        try {
            process = start(command.render(task.courseUrl(), task.taskId(), task.orderId(), task.quality(), taskDir),
                    taskDir);
        } catch (IOException e) {
            throw new DownloadFailedException("the download command could not start: " + e.getMessage());
        }
        DownloadOutput output = new DownloadOutput(process.getInputStream(), log, notEnrolled);
        output.start();
        Set<ProcessHandle> seen = new HashSet<>();
        try {
            if (!waitWatching(process, seen)) {
                killEverything(process, seen);
                throw new DownloadTimeoutException("the download ran past " + timeout + " and was killed");
            }
        } catch (InterruptedException e) {
            killEverything(process, seen);
            throw e;
        }
        int exit = process.exitValue();
        // whatever it started and left behind goes too, exit 0 or not: nothing outlives the task
        killEverything(process, seen);
        if (!output.await(OUTPUT_GRACE.toMillis())) {
            Event.warn(LOG).task(task.taskId()).stage("download").outcome("output-held").note("a process outside the"
                    + " download's group still holds its output; the log may miss its last lines").log();
        }
        if (output.failure() != null) {
            Event.warn(LOG).task(task.taskId()).stage("download").outcome("log-unwritable").kv("path", log)
                    .error(output.failure().getMessage()).log();
        }
        if (output.matched()) {
            return Outcome.NOT_ENROLLED;
        }
        if (exit != 0) {
            throw new DownloadFailedException("the download command exited with " + exit);
        }
        if (!hasFile(taskDir)) {
            throw new DownloadFailedException("the download command exited 0 but wrote no regular file into the task folder");
        }
        return Outcome.DOWNLOADED;
    }

    /**
     * Starts the command in the task folder, stdin from /dev/null, stdout and stderr into one pipe, as the leader of a
     * session and process group of its own when this platform allows it.
     */
    private static Process start(List<String> argv, Path taskDir) throws IOException {
        if (SPAWN) {
            return Spawn.start(argv, taskDir, SPAWN_ENVIRONMENT);
        }
        List<String> words = new ArrayList<>();
        if (SETSID != null) {
            words.add(SETSID.toString());
        }
        words.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(words)
                .directory(taskDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(COMMAND_ENVIRONMENT);
        return builder.start();
    }

    private static Map<String, String> commandEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.startsWith("ENROLLFLOW_"));
        return Map.copyOf(env);
    }

    /** Waits for the exit, up to the timeout, noting every descendant seen meanwhile; false on timeout. */
    private boolean waitWatching(Process process, Set<ProcessHandle> seen) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                process.descendants().forEach(seen::add);
                return false;
            }
            // the wait comes first: a command that ends within the interval costs no look at the descendants (each look
            // reads every process of the machine under /proc)
            if (process.waitFor(Math.min(left, WATCH_INTERVAL.toNanos()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            process.descendants().forEach(seen::add);
        }
    }

    /**
     * Ends the command's process group and every descendant seen: SIGTERM to the group (a tool may clean up), up to
     * {@link #KILL_GRACE} for the known ones to go, then SIGKILL to the group and to every known one still alive.
     * A {@link ProcessHandle} carries its start time, so a pid reused meanwhile is never hit.
     */
    static void killEverything(Process process, Set<ProcessHandle> seen) throws InterruptedException {
        if (process.isAlive()) {
            // an ended command's children went to init: it has no descendants left to find
            process.descendants().forEach(seen::add);
        }
        long group = process.pid();
        boolean grouped = OWN_GROUP && ProcessGroups.available();
        boolean groupMayLive = true;
        if (grouped) {
            groupMayLive = ProcessGroups.signal(group, ProcessGroups.Signal.TERM);
        } else {
            process.destroy();
            seen.forEach(ProcessHandle::destroy);
        }
        if (!groupMayLive && !process.isAlive() && seen.stream().noneMatch(ProcessHandle::isAlive)) {
            // the usual end of a download: no process was left in its group and none seen lives; nothing to kill
            return;
        }
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (System.nanoTime() < deadline && (process.isAlive() || seen.stream().anyMatch(ProcessHandle::isAlive))) {
            Thread.sleep(50);
        }
        if (grouped) {
            ProcessGroups.signal(group, ProcessGroups.Signal.KILL);
        }
        process.destroyForcibly();
        seen.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when the tree holds a regular file; links are neither followed nor counted (docs/contract.md §5). */
    static boolean hasFile(Path dir) throws IOException {
        return TaskTree.scan(dir).hasFile();
    }

    /** The first of the paths that is an executable file, or null (the setsid and kill programs, where they live). */
    static Path firstExisting(String... candidates) {
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    /** The last {@link #LOG_TAIL_BYTES} of the task's log, or null when there is none. */
    public String logTail(Task task) {
        Path log = logFile(task);
        try (SeekableByteChannel file = Files.newByteChannel(log, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long start = Math.max(0, file.size() - LOG_TAIL_BYTES);
            ByteBuffer bytes = ByteBuffer.allocate((int) (file.size() - start));
            file.position(start);
            while (bytes.hasRemaining() && file.read(bytes) > 0) {
                // read to the end
            }
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

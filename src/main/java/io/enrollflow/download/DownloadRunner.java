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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the download command for one task (docs/contract.md §5):
 * <ol>
 *   <li>{@code <work-dir>/<taskId>} is created (or kept from an earlier attempt: tools may resume) and is the
 *       process's working directory;</li>
 *   <li>the command runs without a shell, stdin from /dev/null, with enrollflow's own ENROLLFLOW_* variables (tokens)
 *       removed from its environment, as the leader of a session and process group of its own ({@link Launcher});
 *       its stdout and stderr are pumped into {@code <work-dir>/_logs/<taskId>.log} within bounds
 *       ({@link DownloadOutput});</li>
 *   <li>the worker thread waits for the exit, up to the timeout; past it, or when the worker stops or the run is
 *       fenced (an interrupt), the run ends at once. However it ends, exit 0 included, what the command started and
 *       left running is ended too ({@link Leftovers}): nothing outlives the task;</li>
 *   <li>the outcome: output matching the not-enrolled pattern → {@link Outcome#NOT_ENROLLED}; else exit 0 with at least
 *       one regular file → {@link Outcome#DOWNLOADED}; else a {@link DownloadFailedException}.</li>
 * </ol>
 * While the command runs, enrollflow does nothing for it but pump its output: the wait is the JDK's, woken by the
 * process's exit, and the command's processes are looked for once, at the end. Logs live in their own folder,
 * {@value #LOGS_FOLDER}: a task id starts with a letter or digit, so no task's folder can be that folder, and inside
 * it each log is {@code <taskId>.log} (task {@code a.log}'s is {@code a.log.log}, task {@code a}'s is
 * {@code a.log}: distinct).
 */
public class DownloadRunner {

    /** What the download said. */
    public enum Outcome { DOWNLOADED, NOT_ENROLLED }

    /** How much of the log a dead-letter record keeps. */
    public static final int LOG_TAIL_BYTES = 4096;
    /** The folder under work-dir that holds the logs; no task id can name it (ids start with a letter or digit). */
    public static final String LOGS_FOLDER = "_logs";
    /** After the command and what it left are gone, how long the output may take to end. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = LogManager.getLogger(DownloadRunner.class);

    private final DownloadCommand command;
    private final Path workDir;
    private final Duration timeout;
    private final Pattern notEnrolled;
    private final int nice;

    /**
     * @param nice the command's niceness ({@code enrollflow.download.nice}; 0: enrollflow's own)
     * @throws io.enrollflow.config.ConfigException when the setsid program, or with a niceness the nice program, is
     *                                              missing (start-up stops)
     */
    public DownloadRunner(DownloadCommand command, Path workDir, Duration timeout, Pattern notEnrolled, int nice) {
        Launcher.setsid();
        if (nice > 0) {
            Launcher.nice();
        }
        this.command = command;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.timeout = timeout;
        this.notEnrolled = notEnrolled;
        this.nice = nice;
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

        Launcher.Started started;
        try {
            started = Launcher.start(command.render(task.courseUrl(), task.taskId(), task.orderId(), task.quality(),
                    taskDir), taskDir, nice);
        } catch (IOException e) {
            throw new DownloadFailedException("the download command could not start: " + e.getMessage());
        }
        Process process = started.process();
        DownloadOutput output = new DownloadOutput(process.getInputStream(), log, notEnrolled);
        output.start();
        try {
            // the JDK's wait: woken by the exit, or at the timeout; nothing runs for the download meanwhile
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                Leftovers.end(started);
                throw new DownloadTimeoutException("the download ran past " + timeout + " and was killed");
            }
        } catch (InterruptedException e) {
            Leftovers.end(started);
            throw e;
        }
        int exit = process.exitValue();
        // whatever it started and left behind goes too, exit 0 or not: nothing outlives the task
        Leftovers.end(started);
        if (!output.await(OUTPUT_GRACE.toMillis())) {
            Event.warn(LOG).task(task.taskId()).stage("download").outcome("output-held").note("a process outside the"
                    + " download's run still holds its output; the log may miss its last lines").log();
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

    /** True when the tree holds a regular file; links are neither followed nor counted (docs/contract.md §5). */
    static boolean hasFile(Path dir) throws IOException {
        return TaskTree.scan(dir).hasFile();
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

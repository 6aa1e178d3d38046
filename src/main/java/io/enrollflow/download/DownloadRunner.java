package io.enrollflow.download;

import io.enrollflow.task.Task;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the download command for one task (CONTRACT §5):
 * <ol>
 *   <li>{@code <work-dir>/<taskId>} is created (or kept from an earlier attempt: tools may resume) and is the
 *       process's working directory;</li>
 *   <li>the command runs without a shell, stdin closed, stdout and stderr appended to {@code <work-dir>/<taskId>.log},
 *       with enrollflow's own ENROLLFLOW_* variables (tokens) removed from its environment;</li>
 *   <li>past the timeout the whole process tree is killed;</li>
 *   <li>the outcome: output matching the not-enrolled pattern → {@link Outcome#NOT_ENROLLED}; else exit 0 with at least
 *       one file → {@link Outcome#DOWNLOADED}; else a {@link DownloadFailedException}.</li>
 * </ol>
 */
public class DownloadRunner {

    /** What the download said. */
    public enum Outcome { DOWNLOADED, NOT_ENROLLED }

    /** How much of the log a dead-letter record keeps. */
    public static final int LOG_TAIL_BYTES = 4096;
    /** After killing a tree, how long to wait for it to go. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

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

    public Path logFile(Task task) {
        return workDir.resolve(task.taskId() + ".log");
    }

    /**
     * Runs the command once.
     *
     * @throws DownloadFailedException  non-zero exit, or exit 0 with no file
     * @throws DownloadTimeoutException ran past the timeout (the tree was killed)
     * @throws InterruptedException     the worker is shutting down (the tree was killed)
     */
    public Outcome run(Task task) throws IOException, InterruptedException {
        Path taskDir = taskDir(task);
        Files.createDirectories(taskDir);
        Path log = logFile(task);
        long offset = Files.exists(log) ? Files.size(log) : 0;
        Files.writeString(log, "--- enrollflow: download started " + Instant.now() + System.lineSeparator(),
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);

        List<String> argv = command.render(task, taskDir);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(taskDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("ENROLLFLOW_"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DownloadFailedException("the download command could not start: " + e.getMessage());
        }
        process.getOutputStream().close();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                throw new DownloadTimeoutException("the download ran past " + timeout + " and was killed");
            }
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        int exit = process.exitValue();
        if (outputMatches(log, offset, notEnrolled)) {
            return Outcome.NOT_ENROLLED;
        }
        if (exit != 0) {
            throw new DownloadFailedException("the download command exited with " + exit);
        }
        if (!hasFile(taskDir)) {
            throw new DownloadFailedException("the download command exited 0 but wrote no file into the task folder");
        }
        return Outcome.DOWNLOADED;
    }

    /** Kills the process and every descendant; descendants first are collected, so re-parented ones are not missed. */
    static void killTree(Process process) throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * True when the tree holds a regular file (or a link to one); links to folders are not followed. Stops at the
     * first file found, looking at each folder's own files before its sub-folders.
     */
    static boolean hasFile(Path dir) throws IOException {
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile() || attributes.isSymbolicLink() && Files.isRegularFile(entry)) {
                    return true;
                }
                if (attributes.isDirectory()) {
                    folders.add(entry);
                }
            }
        }
        for (Path folder : folders) {
            if (hasFile(folder)) {
                return true;
            }
        }
        return false;
    }

    /** Scans this run's part of the log (from {@code offset}) line by line: logs can be long. */
    static boolean outputMatches(Path log, long offset, Pattern pattern) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(offset);
            InputStream in = Channels.newInputStream(file.getChannel());
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
            String line;
            while ((line = reader.readLine()) != null) {
                if (pattern.matcher(line).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The last {@link #LOG_TAIL_BYTES} of the task's log, or null when there is none. */
    public String logTail(Task task) {
        Path log = logFile(task);
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.enrollflow.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pumps one run's output (stdout and stderr merged, read from a pipe) into the task's log ({@link BoundedLog}, within
 * its bounds), and matches each line against the not-enrolled pattern on its first {@link #MAX_LINE_BYTES} only, so a
 * tool printing without newlines cannot make enrollflow hold an endless line. Per line that is a read, a copy and one
 * match; the log is written about once a second. Lifecycle: {@link #start()} before the process may write,
 * {@link #await} after it ended; the pipe's end (every writer gone) ends the pump, and the log is whole once it has.
 */
final class DownloadOutput implements Runnable {

    /** How much of one line is matched against the not-enrolled pattern. */
    static final int MAX_LINE_BYTES = 16 * 1024;

    private final InputStream in;
    private final Path log;
    /** One matcher for the run's lines, reset for each (no allocation per line). */
    private final Matcher notEnrolled;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int lineLength;
    private volatile boolean matched;
    private volatile IOException failure;
    private final CountDownLatch ended = new CountDownLatch(1);

    /**
     * The pumps' threads, kept for the next download once one ends (a thread started per task costs more than the pump's
     * own work for a short download); daemons, idle ones end after a minute.
     */
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(pump -> {
        Thread thread = new Thread(pump, "enrollflow-download-output");
        thread.setDaemon(true);
        return thread;
    });

    DownloadOutput(InputStream in, Path log, Pattern notEnrolled) {
        this.in = in;
        this.log = log;
        this.notEnrolled = notEnrolled.matcher("");
    }

    void start() {
        PUMPS.execute(this);
    }

    /** Waits up to {@code millis} for the output to end; false when a writer still holds the pipe. */
    boolean await(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** True when a line of this run matched the not-enrolled pattern. */
    boolean matched() {
        return matched;
    }

    /** Why the log could not be written (the output was still read to its end and matched), or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            pump();
        } finally {
            ended.countDown();
        }
    }

    private void pump() {
        byte[] buffer = new byte[8192];
        BoundedLog file = null;
        try {
            file = BoundedLog.open(log);
            byte[] header = ("--- enrollflow: download started " + Instant.now() + System.lineSeparator())
                    .getBytes(StandardCharsets.UTF_8);
            file.append(header, header.length);
        } catch (IOException e) {
            failure = e;
        }
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                scan(buffer, n);
                if (failure == null) {
                    try {
                        file.append(buffer, n);
                    } catch (IOException e) {
                        // the log cannot be written (disk full, permissions): the output is still read to its end, so
                        // the tool is never blocked on a full pipe, and matched; the outcome is its exit code's as usual
                        failure = e;
                    }
                }
            }
        } catch (IOException gone) {
            // the pipe went away: nothing more to read
        }
        matchLine();
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
    }

    private void scan(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                matchLine();
            } else if (lineLength < line.length) {
                line[lineLength++] = b;
            }
        }
    }

    private void matchLine() {
        if (lineLength > 0 && !matched) {
            // (malformed UTF-8 becomes U+FFFD: a tool's output need not be text)
            if (notEnrolled.reset(new String(line, 0, lineLength, StandardCharsets.UTF_8)).find()) {
                matched = true;
            }
        }
        lineLength = 0;
    }
}

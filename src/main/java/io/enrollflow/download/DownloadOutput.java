package io.enrollflow.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Pumps one run's output (stdout and stderr merged, read from a pipe) into the task's log file, within bounds
 * (docs/contract.md §10): the file never grows past {@link #MAX_LOG_BYTES} — past it, the oldest part goes and the last
 * {@link #KEPT_BYTES} stay, since the end of a log is what explains a failure — and each line is matched against the
 * not-enrolled pattern on its first {@link #MAX_LINE_BYTES} only, so a tool printing without newlines cannot make
 * enrollflow hold an endless line. Lifecycle: {@link #start()} before the process may write, {@link #await} after it
 * ended; the pipe's end (every writer gone) ends the pump.
 */
final class DownloadOutput implements Runnable {

    /** The largest a task's log gets: enough for the output of many attempts of any reasonable tool. */
    static final long MAX_LOG_BYTES = 1024 * 1024;
    /** What is kept when the log is cut: the most recent half. */
    static final int KEPT_BYTES = 512 * 1024;
    /** How much of one line is matched against the not-enrolled pattern. */
    static final int MAX_LINE_BYTES = 16 * 1024;

    private final InputStream in;
    private final Path log;
    private final Pattern notEnrolled;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int lineLength;
    /** Where the next write goes: kept here, since asking the channel costs a system call per write. */
    private long position;
    private volatile boolean matched;
    private volatile IOException failure;
    private final CountDownLatch ended = new CountDownLatch(1);

    /**
     * The pumps' threads, kept for the next download once one ends (a thread started per task cost more than the pump's
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
        this.notEnrolled = notEnrolled;
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

    /** Why the log could not be written (the output was still read to its end), or null. */
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
        try (FileChannel file = FileChannel.open(log, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), PrivateFiles.fileAttributes(log))) {
            position = file.size();
            file.position(position);
            write(file, ("--- enrollflow: download started " + Instant.now() + System.lineSeparator())
                    .getBytes(StandardCharsets.UTF_8), -1);
            int n;
            while ((n = in.read(buffer)) > 0) {
                write(file, buffer, n);
                scan(buffer, n);
            }
            matchLine();
        } catch (IOException e) {
            // the log cannot be written (disk full, permissions): keep draining, so the tool is never blocked on a full
            // pipe; the run's outcome is decided by its exit code as usual
            failure = e;
            drain(buffer);
        }
    }

    private void write(FileChannel file, byte[] bytes, int length) throws IOException {
        int n = length < 0 ? bytes.length : length;
        if (position + n > MAX_LOG_BYTES) {
            position = keepTail(file);
        }
        ByteBuffer chunk = ByteBuffer.wrap(bytes, 0, n);
        while (chunk.hasRemaining()) {
            position += file.write(chunk);
        }
    }

    /**
     * Moves the last {@link #KEPT_BYTES} to the start, behind a line that says the rest was cut; returns the new end.
     */
    private static long keepTail(FileChannel file) throws IOException {
        long size = file.size();
        long from = Math.max(0, size - KEPT_BYTES);
        ByteBuffer tail = ByteBuffer.allocate((int) (size - from));
        while (tail.hasRemaining() && file.read(tail, from + tail.position()) > 0) {
            // read the whole tail
        }
        tail.flip();
        byte[] note = ("--- enrollflow: " + from + " earlier bytes of output were cut (the log keeps its last "
                + KEPT_BYTES / 1024 + " KiB)" + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        file.truncate(0);
        file.position(0);
        file.write(ByteBuffer.wrap(note));
        while (tail.hasRemaining()) {
            file.write(tail);
        }
        return file.position();
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
            String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
            if (notEnrolled.matcher(text).find()) {
                matched = true;
            }
        }
        lineLength = 0;
    }

    private void drain(byte[] buffer) {
        try {
            while (in.read(buffer) > 0) {
                // discarded: the log is not writable
            }
        } catch (IOException ended) {
            // the pipe is gone: nothing more to read
        }
    }
}

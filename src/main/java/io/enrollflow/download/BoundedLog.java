package io.enrollflow.download;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A task's log file, within bounds (docs/contract.md §10): it never grows past {@link #MAX_LOG_BYTES} — past it, the
 * oldest part goes and the last {@link #KEPT_BYTES} stay, since the end of a log is what explains a failure. Opened
 * without following a link, created {@code rw-r-----} ({@link PrivateFiles}).
 * <p>
 * Output is held in memory and written at most {@link #FLUSH_MILLIS} later, by one thread for all open logs, or at
 * once when more than {@link #HELD_BYTES} wait: a download tool prints its progress a line at a time, several times a
 * second, and a write per line cost as much CPU as reading it. The log is whole once {@link #close()} returns.
 */
final class BoundedLog implements Closeable {

    /** The largest a task's log gets: enough for the output of many attempts of any reasonable tool. */
    static final long MAX_LOG_BYTES = 1024 * 1024;
    /** What is kept when the log is cut: the most recent half. */
    static final int KEPT_BYTES = 512 * 1024;
    /** The longest output waits in memory before it is in the file (what an operator's {@code tail -f} lags by). */
    static final long FLUSH_MILLIS = 1000;
    /** More output than this is written at once rather than held. */
    static final int HELD_BYTES = 16 * 1024;

    /** The logs with output to write; the flusher runs only while there are any. */
    private static final Set<BoundedLog> OPEN = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService FLUSHER = flusher();
    /** The flusher's periodic run while logs are open; null when none is (guarded by the class). */
    private static ScheduledFuture<?> flushing;

    private final FileChannel file;
    private final byte[] held = new byte[HELD_BYTES];
    private int heldLength;
    /** Where the next write goes: kept here, since asking the channel costs a system call. */
    private long position;
    private boolean closed;
    /** Why a flush by the flusher failed; the next append or close throws it. */
    private IOException failure;

    private BoundedLog(FileChannel file) throws IOException {
        this.file = file;
        this.position = file.size();
        file.position(position);
    }

    /** Opens (creates) the log for appending. */
    static BoundedLog open(Path log) throws IOException {
        BoundedLog opened = new BoundedLog(FileChannel.open(log, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), PrivateFiles.fileAttributes(log)));
        OPEN.add(opened);
        synchronized (BoundedLog.class) {
            if (flushing == null) {
                flushing = FLUSHER.scheduleWithFixedDelay(BoundedLog::flushAll, FLUSH_MILLIS, FLUSH_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
        }
        return opened;
    }

    /** Adds {@code n} bytes of output: held, or written at once when too much waits. */
    synchronized void append(byte[] bytes, int n) throws IOException {
        throwFailure();
        if (heldLength + n > held.length) {
            flush();
            if (n > held.length) {
                write(bytes, n);
                return;
            }
        }
        System.arraycopy(bytes, 0, held, heldLength, n);
        heldLength += n;
    }

    /** Writes what is held. */
    synchronized void flush() throws IOException {
        if (heldLength > 0 && !closed) {
            int n = heldLength;
            heldLength = 0;
            write(held, n);
        }
    }

    /** Writes what is held and closes the file; throws what a flush met meanwhile. */
    @Override
    public synchronized void close() throws IOException {
        OPEN.remove(this);
        try {
            throwFailure();
            flush();
        } finally {
            closed = true;
            file.close();
        }
    }

    private void throwFailure() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized void flushQuietly() {
        if (failure == null) {
            try {
                flush();
            } catch (IOException e) {
                // the disk is full, the file gone: the pump hears of it at its next append and stops writing
                failure = e;
            }
        }
    }

    private static void flushAll() {
        for (BoundedLog log : OPEN) {
            log.flushQuietly();
        }
        synchronized (BoundedLog.class) {
            // a log opened meanwhile was added before it looked at flushing: it finds this run still scheduled
            if (OPEN.isEmpty() && flushing != null) {
                flushing.cancel(false);
                flushing = null;
            }
        }
    }

    private void write(byte[] bytes, int n) throws IOException {
        if (position + n > MAX_LOG_BYTES) {
            position = keepTail(file);
        }
        ByteBuffer chunk = ByteBuffer.wrap(bytes, 0, n);
        while (chunk.hasRemaining()) {
            position += file.write(chunk);
        }
    }

    /** Moves the last {@link #KEPT_BYTES} to the start, behind a line that says the rest was cut; returns the new end. */
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

    private static ScheduledExecutorService flusher() {
        ScheduledThreadPoolExecutor flusher = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "enrollflow-log-flush");
            thread.setDaemon(true);
            return thread;
        });
        flusher.setRemoveOnCancelPolicy(true);
        return flusher;
    }
}

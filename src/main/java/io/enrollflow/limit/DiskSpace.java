package io.enrollflow.limit;

import io.enrollflow.logging.Event;
import io.enrollflow.task.TaskRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * {@code enrollflow.download.min-free} (docs/contract.md §5): a download starts only while the work directory's file
 * system has that much usable space. Until then the task waits as it waits at a fleet limit ({@link LimitGate}): its
 * message says how much is free and needed, no attempt is used, and a long wait goes to the retry schedule so it holds
 * no worker. A full disk is thus a wait, not a run of failures into the same full disk.
 * <p>
 * The free space last read is kept for those who must not touch the file system themselves (the health check, the
 * heartbeat's details for the console): a hung mount must not stall a probe or a heartbeat. {@link #watch} reads it
 * in the background.
 */
public class DiskSpace {

    private static final Logger LOG = LogManager.getLogger(DiskSpace.class);

    /** What the file system holding a path has free; the real one asks its {@code FileStore}. */
    @FunctionalInterface
    interface FreeSpace {
        long usableBytes(Path path) throws IOException;
    }

    static final FreeSpace FILE_STORE = path -> Files.getFileStore(path).getUsableSpace();

    private final LimitGate gate;
    private final Path workDir;
    private final long minFree;
    private final FreeSpace free;
    /** Usable bytes as last read; -1 before the first read, or when the last one failed. */
    private volatile long lastUsable = -1;

    public DiskSpace(LimitGate gate, Path workDir, long minFree) {
        this(gate, workDir, minFree, FILE_STORE);
    }

    DiskSpace(LimitGate gate, Path workDir, long minFree, FreeSpace free) {
        this.gate = gate;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.minFree = minFree;
        this.free = free;
    }

    /**
     * Returns once the work directory's file system has min-free usable; see {@link LimitGate#pass} for the wait. The
     * task's own partial folder (an earlier attempt's) is kept for the command to resume, unless min-free cannot be met
     * with it and can without it: then it is removed and the download starts afresh.
     */
    public void await(TaskRun run, Path taskDir) {
        long now = usable();
        if (now >= minFree) {
            return;
        }
        if (Files.isDirectory(taskDir) && now + size(taskDir) >= minFree) {
            delete(taskDir);
            Event.info(LOG).task(run.taskId()).stage("download").outcome("partial-removed")
                    .note("min-free cannot be met with the earlier attempt's folder").log();
            if (usable() >= minFree) {
                return;
            }
        }
        String message = "waiting for disk space: " + now + " bytes free, " + minFree + " needed";
        gate.pass(run, Limit.DISK_SPACE, message, () -> usable() >= minFree ? 0 : -1);
    }

    private static long size(Path tree) {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // unreadable: kept, and the task waits as if it were not there
        }
    }

    private static void delete(Path tree) {
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the partial download " + tree, e);
        }
    }

    /** Usable bytes of the work directory's file system (the directory is made when missing). */
    public long usable() {
        try {
            Files.createDirectories(workDir);
            long usable = free.usableBytes(workDir);
            lastUsable = usable;
            return usable;
        } catch (IOException e) {
            lastUsable = -1;
            throw new UncheckedIOException("cannot read the free space of " + workDir, e);
        }
    }

    /** Usable bytes as last read (by a download's start, a wait, or {@link #watch}); -1 when unknown. */
    public long lastUsable() {
        return lastUsable;
    }

    public long minFree() {
        return minFree;
    }

    /**
     * Reads the free space every {@code period} on {@code executor}, from now on, and hands each reading to
     * {@code reading} (-1 when it failed).
     */
    public void watch(ScheduledExecutorService executor, Duration period, LongConsumer reading) {
        boolean[] readable = {true};
        executor.scheduleWithFixedDelay(() -> {
            long now;
            try {
                now = usable();
                readable[0] = true;
            } catch (RuntimeException e) {
                if (readable[0]) { // once per spell, not every period
                    Event.warn(LOG).stage("download").outcome("disk-unreadable").note(e.getMessage()).log();
                }
                readable[0] = false;
                now = -1;
            }
            reading.accept(now);
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * {@code enrollflow_work_disk_free_bytes}, the free space as last read (unknown, NaN, until the first reading), and
     * {@code enrollflow_work_disk_min_free_bytes}, the setting a dashboard compares it with. A scrape reads no file
     * system: a hung mount must not stall it either.
     */
    public void bindMetrics(MeterRegistry registry) {
        Gauge.builder("enrollflow.work.disk.free", () -> lastUsable < 0 ? Double.NaN : lastUsable).baseUnit("bytes")
                .description("Free space on the work folder's file system").register(registry);
        Gauge.builder("enrollflow.work.disk.min.free.bytes", () -> minFree)
                .description("enrollflow.download.min-free: the free space a download needs to start").register(registry);
    }
}

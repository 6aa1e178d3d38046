package io.enrollflow.limit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The work disk's figures (docs/contract.md §5, §8): {@code enrollflow_work_disk_free_bytes} is the reading the health
 * check and the console use, unknown until the first one, and a scrape reads no file system.
 */
class DiskSpaceTest {

    @TempDir
    Path tmp;

    @Test
    void theFreeSpaceGaugeIsTheLastReadingUnknownBeforeTheFirstAndTheSettingStandsBesideIt() {
        AtomicLong free = new AtomicLong(7_000_000);
        AtomicLong reads = new AtomicLong();
        DiskSpace disk = new DiskSpace(null, tmp.resolve("work"), 5_000_000, path -> {
            reads.incrementAndGet();
            return free.get();
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        disk.bindMetrics(registry);

        assertTrue(Double.isNaN(registry.get("enrollflow.work.disk.free").gauge().value()), "no reading yet");
        assertEquals(5_000_000, registry.get("enrollflow.work.disk.min.free.bytes").gauge().value());

        assertEquals(7_000_000, disk.usable());
        free.set(3_000_000);
        assertEquals(7_000_000, registry.get("enrollflow.work.disk.free").gauge().value(), "as last read");
        assertEquals(1, reads.get(), "the scrape read no file system");
        disk.usable();
        assertEquals(3_000_000, registry.get("enrollflow.work.disk.free").gauge().value());
    }

    @Test
    void theRealReadingIsTheWorkFoldersFileSystemsAndMakesTheFolder() {
        Path work = tmp.resolve("not-yet");
        DiskSpace disk = new DiskSpace(null, work, 1, DiskSpace.FILE_STORE);

        long free = disk.usable();

        assertTrue(Files.isDirectory(work));
        long expected = tmp.toFile().getUsableSpace();
        assertTrue(free > 0 && Math.abs(free - expected) < 64L * 1024 * 1024, free + " vs " + expected);
        assertEquals(free, disk.lastUsable());
    }
}

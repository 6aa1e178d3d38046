package io.enrollflow.pipeline;

import io.enrollflow.config.DiskSettings;
import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.download.DownloadRunner;
import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.util.Outage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The work directory's retention (docs/contract.md §14), a background round on each instance over its own work
 * directory: download logs whose last write is older than {@code enrollflow.download.log-retention} are removed (a log's
 * last write is when its task's download ended), and the folder of each task dead-lettered longer ago than
 * {@code enrollflow.download.failed-retention} (read from the dead-letter index, scored by the failure time) is removed.
 * Each round removes at most {@link #ROUND_LIMIT} of each, so a first round on a years-old directory stays short; the
 * dead-letter index is walked from where the last round stopped, so a round reads only records that came of age since.
 * A replayed task leaves the index, so its folder is never removed under it; a replay that comes after the removal
 * downloads again. The log of a task in this instance's hands is kept, however long ago it was last written: a
 * download that prints nothing for longer than a short log-retention is still running.
 */
public final class WorkDirSweep implements Runnable {

    private static final Logger LOG = LogManager.getLogger(WorkDirSweep.class);
    /** Logs, and folders, one round removes at most. */
    static final int ROUND_LIMIT = 1_000;
    /** A task id as intake accepts it: never a path, never the logs folder. */
    private static final Pattern TASK_FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path workDir;
    private final RedissonClient redis;
    private final RedisKeys keys;
    private final Duration logRetention;
    private final Duration failedRetention;
    private final Predicate<String> inHand;
    private final Outage unreachable = new Outage();
    /** The failure time (epoch ms) up to which dead-lettered folders have been swept. */
    private double sweptUpTo = Double.NEGATIVE_INFINITY;

    /** @param inHand whether this instance has the task with this id in hand (its download may be running) */
    public WorkDirSweep(Path workDir, RedissonClient redis, RedisKeys keys, DiskSettings disk, Predicate<String> inHand) {
        this.workDir = workDir.toAbsolutePath().normalize();
        this.inHand = inHand;
        this.redis = redis;
        this.keys = keys;
        this.logRetention = disk.logRetention();
        this.failedRetention = disk.failedRetention();
    }

    /** A round every quarter of the shorter retention, between one second and five minutes. */
    public void start(ScheduledExecutorService timer) {
        long shorter = Math.min(logRetention.toMillis(), failedRetention.toMillis());
        long period = Math.max(1000, Math.min(300_000, shorter / 4));
        timer.scheduleWithFixedDelay(this, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        int logs = removeOldLogs();
        int folders = 0;
        try {
            folders = removeFailedFolders();
            if (unreachable.over()) {
                Event.info(LOG).stage("housekeeping").outcome("sweep-resumed").log();
            }
        } catch (RedisException e) {
            if (unreachable.began()) {
                Event.warn(LOG).stage("housekeeping").outcome("sweep-deferred").error(e.getMessage()).log();
            }
        }
        if (logs + folders > 0) {
            Event.info(LOG).stage("housekeeping").outcome("swept").kv("logs_removed", logs)
                    .kv("failed_folders_removed", folders).log();
        }
    }

    /** Removes logs last written before log-retention ago; returns how many. */
    int removeOldLogs() {
        Path logs = workDir.resolve(DownloadRunner.LOGS_FOLDER);
        if (!Files.isDirectory(logs, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long cutoff = System.currentTimeMillis() - logRetention.toMillis();
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "*.log")) {
            for (Path log : files) {
                if (removed >= ROUND_LIMIT) {
                    break;
                }
                try {
                    String name = log.getFileName().toString();
                    if (Files.getLastModifiedTime(log, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff
                            && !inHand.test(name.substring(0, name.length() - ".log".length()))) {
                        Files.deleteIfExists(log);
                        removed++;
                    }
                } catch (IOException e) {
                    Event.warn(LOG).stage("housekeeping").outcome("log-kept").kv("file", log.getFileName())
                            .error(e.getMessage()).log();
                }
            }
        } catch (IOException e) {
            Event.warn(LOG).stage("housekeeping").outcome("logs-unreadable").error(e.getMessage()).log();
        }
        return removed;
    }

    /** Removes the folders of tasks dead-lettered before failed-retention ago; returns how many. */
    int removeFailedFolders() {
        long cutoff = Instant.now().toEpochMilli() - failedRetention.toMillis();
        var index = redis.<String>getScoredSortedSet(keys.deadLetterIndex(), StringCodec.INSTANCE);
        var due = index.entryRange(sweptUpTo, false, cutoff, true, 0, ROUND_LIMIT);
        int removed = 0;
        for (var entry : due) {
            String id = String.valueOf(entry.getValue());
            Path folder = workDir.resolve(id);
            if (TASK_FOLDER.matcher(id).matches() && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    FolderDelivery.deleteTree(folder);
                    removed++;
                } catch (IOException e) {
                    Event.warn(LOG).task(id).stage("housekeeping").outcome("folder-kept").error(e.getMessage()).log();
                }
            }
            sweptUpTo = Math.max(sweptUpTo, entry.getScore());
        }
        return removed;
    }
}

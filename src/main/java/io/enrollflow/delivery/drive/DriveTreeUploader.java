package io.enrollflow.delivery.drive;

import com.google.api.services.drive.model.File;
import io.enrollflow.download.TaskTree;
import io.enrollflow.logging.Event;
import io.enrollflow.task.Task;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Mirrors a task's local tree into its Drive folder: steps 2 and 3 of {@link DriveDelivery}. First {@link #plan} walks
 * the tree ({@link TaskTree}: regular files and folders only, no link followed) and judges it against Drive by the
 * mirror's rule ({@link DriveMirror}: each sub-folder found or created, each file already there or to upload, stale
 * copies and what the download no longer has to trash); then {@link #upload} sends the files,
 * {@code enrollflow.drive.parallel-uploads} at a time (fewer while Drive asks to slow down: {@link Aimd}), each by
 * resumable upload streamed from disk, and only then moves the stale copies to the trash (a crash in between loses
 * nothing). Upload threads come from {@code threads} (Camel's: named, and stopped with the CamelContext).
 */
record DriveTreeUploader(int parallelUploads, ExecutorServiceManager threads, DriveCalls drive,
                         DriveFailures failures) {

    static final String DEFAULT_MIME_TYPE = "application/octet-stream";

    /** The delivery's own category: these lines are steps of one delivery. */
    private static final Logger LOG = LogManager.getLogger(DriveDelivery.class);

    /** What a delivery still has to do: files to upload, stale copies to trash, and how many were already there. */
    static final class Plan {
        final List<DriveMirror.Upload> uploads = new ArrayList<>();
        final List<File> stale = new ArrayList<>();
        int skipped;
    }

    /** Makes the missing sub-folders under {@code rootId} and returns what is left to upload and trash. */
    Plan plan(String rootId, Path taskDir) throws IOException {
        Plan plan = new Plan();
        TaskTree tree = TaskTree.scan(taskDir);
        DriveMirror mirror = new DriveMirror(drive, failures, taskDir, rootId);
        // parents before children (the walk's order), so folders exist before what goes in them
        tree.folders().forEach(mirror::folder);
        for (TaskTree.Entry file : tree.files()) {
            DriveMirror.Change change = mirror.judge(file);
            plan.stale.addAll(change.stale());
            if (change.upload() == null) {
                plan.skipped++;
            } else {
                plan.uploads.add(change.upload());
            }
        }
        plan.stale.addAll(mirror.vanished(tree));
        return plan;
    }

    /** Uploads the plan's files, {@code parallel-uploads} at a time, then trashes stale copies. Returns bytes sent. */
    long upload(Task task, Plan plan) throws InterruptedException {
        AtomicLong bytes = new AtomicLong();
        if (!plan.uploads.isEmpty()) {
            int size = Math.min(parallelUploads, plan.uploads.size());
            UploadSlots slots = new UploadSlots(new Aimd(size));
            ExecutorService pool = pool(task.taskId(), size);
            List<Future<?>> running = new ArrayList<>();
            try {
                for (DriveMirror.Upload upload : plan.uploads) {
                    running.add(pool.submit(() -> {
                        uploadOne(task.taskId(), upload, slots, () -> true, () -> true);
                        bytes.addAndGet(upload.size());
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        // The task fails (transient or final, as classified). Files already complete stay and are
                        // skipped by the next attempt; see finally for the ones in flight.
                        Throwable cause = e.getCause();
                        throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
                    }
                }
            } catch (InterruptedException e) {
                // enrollflow is stopping: abandon the uploads (the finally below does not wait, the flag is set again);
                // the task's next attempt, here or on another instance, redoes the unfinished ones.
                threads.shutdownNow(pool);
                Thread.currentThread().interrupt();
                throw e;
            } finally {
                // Uploads not started are dropped; those in flight are let finish before this attempt ends, so that a
                // next attempt cannot start the same file while it is still being sent (it would arrive twice).
                running.forEach(f -> f.cancel(false));
                threads.shutdown(pool);
                pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            }
        }
        for (File stale : plan.stale) {
            failures.guarded(() -> drive.trash(stale.getId()), "trash stale copy of \"" + stale.getName() + "\"", false);
            Event.info(LOG).task(task.taskId()).stage("deliver").kv("file", stale.getName()).kv("id", stale.getId())
                    .outcome("trashed").kv("why", "replaced, or no longer in the download").log();
        }
        return bytes.get();
    }

    /** Threads for one task's uploads; every upload queued at once (Camel's default queue holds 1000, a task may have more files). */
    ExecutorService pool(String taskId, int size) {
        String name = "drive-upload-" + taskId;
        return threads.newThreadPool(this, name, new ThreadPoolProfileBuilder(name)
                .poolSize(size).maxPoolSize(size).maxQueueSize(Integer.MAX_VALUE).build());
    }

    /**
     * Uploads one file in a slot of the window, Drive's slow-downs absorbed ({@link SlowDowns}).
     *
     * @param mayRead    asked as the file is read: false stops the upload at once (its run was fenced)
     * @param keepTrying asked before each back-off: false gives up on the file (see {@link SlowDowns#call})
     */
    File uploadOne(String taskId, DriveMirror.Upload upload, UploadSlots slots, BooleanSupplier mayRead,
                   BooleanSupplier keepTrying) {
        long started = System.nanoTime();
        File uploaded = new SlowDowns(failures).call(slots, keepTrying, () -> drive.upload(upload.folderId(), upload.name(),
                upload.file(), mimeType(upload.file()), upload.modified(), mayRead), "upload \"" + upload.name() + "\"", false);
        Event.debug(LOG).task(taskId).stage("deliver").kv("file", upload.name()).kv("id", uploaded.getId())
                .kv("bytes", upload.size()).kv("ms", (System.nanoTime() - started) / 1_000_000).outcome("uploaded").log();
        return uploaded;
    }

    /** MIME type by file name; Drive stores what we say, and the fallback is plain bytes. */
    static String mimeType(Path file) {
        String type = null;
        try {
            type = Files.probeContentType(file);
        } catch (IOException e) {
            // No type detector could look: the name-based guess below decides; the task goes on.
        }
        if (type == null) {
            type = URLConnection.guessContentTypeFromName(file.getFileName().toString().toLowerCase(Locale.ROOT));
        }
        return type == null ? DEFAULT_MIME_TYPE : type;
    }
}

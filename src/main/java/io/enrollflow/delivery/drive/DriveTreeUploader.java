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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mirrors a task's local tree into its Drive folder: steps 2 and 3 of {@link DriveDelivery}. First {@link #plan} walks
 * the tree ({@link TaskTree}: regular files and folders only, no link followed), finds or creates each sub-folder, and
 * compares each file with what Drive holds by name and size; then {@link #upload} sends the missing files,
 * {@code enrollflow.drive.parallel-uploads} at a time, each by resumable upload streamed from disk, and only then moves
 * same-name copies of another size to the trash (a crash in between loses nothing). Upload threads come from
 * {@code threads} (Camel's: named, and stopped with the CamelContext).
 */
record DriveTreeUploader(int parallelUploads, ExecutorServiceManager threads, DriveCalls drive,
                         DriveFailures failures) {

    static final String DEFAULT_MIME_TYPE = "application/octet-stream";

    /** The delivery's own category: these lines are steps of one delivery. */
    private static final Logger LOG = LogManager.getLogger(DriveDelivery.class);

    /** One file to upload into a Drive folder. */
    record Upload(String folderId, Path file, String name, long size) {
    }

    /** What a delivery still has to do: files to upload, stale copies to trash, and how many were already there. */
    static final class Plan {
        final List<Upload> uploads = new ArrayList<>();
        final List<File> stale = new ArrayList<>();
        int skipped;
    }

    /** Makes the missing sub-folders under {@code rootId} and returns what is left to upload and trash. */
    Plan plan(String rootId, Path taskDir) throws IOException {
        Plan plan = new Plan();
        TaskTree tree = TaskTree.scan(taskDir);
        Map<Path, String> folderIds = new HashMap<>();
        folderIds.put(Path.of(""), rootId);
        Map<String, List<File>> listings = new HashMap<>();
        // parents before children (the walk's order), so folders exist before what goes in them
        for (Path folder : tree.folders()) {
            String parentId = folderIds.get(parentOf(folder));
            String name = folder.getFileName().toString();
            File sub = sameName(listings, parentId, name).stream()
                    .filter(f -> DriveCalls.FOLDER_MIME_TYPE.equals(f.getMimeType())).findFirst().orElse(null);
            if (sub == null) {
                sub = failures.guarded(() -> drive.createFolder(parentId, name), "create folder \"" + name + "\"", false);
                listings.put(sub.getId(), new ArrayList<>()); // new and empty: no need to list it
            }
            folderIds.put(folder, sub.getId());
        }
        for (TaskTree.Entry file : tree.files()) {
            String parentId = folderIds.get(parentOf(file.path()));
            String name = file.path().getFileName().toString();
            long size = file.size();
            List<File> files = sameName(listings, parentId, name).stream()
                    .filter(f -> !DriveCalls.FOLDER_MIME_TYPE.equals(f.getMimeType())).toList();
            boolean present = files.stream().anyMatch(f -> f.getSize() != null && f.getSize() == size);
            files.stream().filter(f -> f.getSize() == null || f.getSize() != size).forEach(plan.stale::add);
            if (present) {
                plan.skipped++;
            } else {
                plan.uploads.add(new Upload(parentId, taskDir.resolve(file.path()), name, size));
            }
        }
        return plan;
    }

    private static Path parentOf(Path relative) {
        return relative.getParent() == null ? Path.of("") : relative.getParent();
    }

    /** What a Drive folder holds under exactly this name (Drive's own name query ignores case). */
    private List<File> sameName(Map<String, List<File>> listings, String folderId, String name) {
        return listings.computeIfAbsent(folderId, id -> failures.guarded(() -> drive.children(id), "list folder " + id, false))
                .stream().filter(f -> name.equals(f.getName())).toList();
    }

    /** Uploads the plan's files, {@code parallel-uploads} at a time, then trashes stale copies. Returns bytes sent. */
    long upload(Task task, Plan plan) throws InterruptedException {
        AtomicLong bytes = new AtomicLong();
        if (!plan.uploads.isEmpty()) {
            int size = Math.min(parallelUploads, plan.uploads.size());
            String name = "drive-upload-" + task.taskId();
            // every upload queued at once: Camel's default queue holds 1000, and a task may have more files
            ExecutorService pool = threads.newThreadPool(this, name, new ThreadPoolProfileBuilder(name)
                    .poolSize(size).maxPoolSize(size).maxQueueSize(Integer.MAX_VALUE).build());
            List<Future<?>> running = new ArrayList<>();
            try {
                for (Upload upload : plan.uploads) {
                    running.add(pool.submit(() -> {
                        uploadOne(task, upload);
                        bytes.addAndGet(upload.size);
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
                    .outcome("trashed").kv("why", "replaced by a copy of another size").log();
        }
        return bytes.get();
    }

    private void uploadOne(Task task, Upload upload) {
        long started = System.nanoTime();
        File uploaded = failures.guarded(() -> drive.upload(upload.folderId, upload.name, upload.file, mimeType(upload.file)),
                "upload \"" + upload.name + "\"", false);
        Event.debug(LOG).task(task.taskId()).stage("deliver").kv("file", upload.name).kv("id", uploaded.getId())
                .kv("bytes", upload.size).kv("ms", (System.nanoTime() - started) / 1_000_000).outcome("uploaded").log();
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

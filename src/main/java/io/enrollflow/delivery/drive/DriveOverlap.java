package io.enrollflow.delivery.drive;

import com.google.api.services.drive.model.File;
import io.enrollflow.delivery.Overlap;
import io.enrollflow.delivery.QuietFiles;
import io.enrollflow.download.TaskTree;
import io.enrollflow.logging.Event;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.task.TransientTaskException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Drive delivery while the download runs (docs/contract.md §5). A scanner walks the task folder every quarter of the
 * quiet period, at least twice a second (a lecture its tool has just renamed from its {@code .part} goes soon); each
 * file {@link QuietFiles} hands out is judged by the mirror's rule ({@link DriveMirror}: the task folder found or
 * created first and its id recorded, each sub-folder once a file in it is taken, a file Drive already has skipped, as
 * on a retry) and queued for upload, {@code parallel-uploads} at a time within the {@link Aimd} window.
 * <p>
 * Nothing here decides the task: a file that fails transiently is left for later, any other failure stops the
 * overlap (logged), and the delivery after the download does the rest. The run's claim is checked before each file,
 * and an upload under way stops at its next read of the file once the run is fenced. {@link #close} drops what was not
 * begun and waits for what is under way, so the delivery after it never meets an upload in flight.
 */
final class DriveOverlap implements Overlap {

    private static final Logger LOG = LogManager.getLogger(DriveDelivery.class);
    /** The task's status message is rewritten at most this often. */
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String taskId;
    private final Path taskDir;
    private final Run run;
    private final DriveTreeUploader uploader;
    private final Supplier<File> taskFolder;
    private final QuietFiles quiet;
    private final UploadSlots slots;
    private final ScheduledExecutorService scanner;
    private final ExecutorService uploads;
    private final List<Future<?>> queued = new CopyOnWriteArrayList<>();
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean stopped;
    /** Touched by the scanner thread only. */
    private DriveMirror mirror;
    private long progressAt;

    /** @param taskFolder finds or makes the task's folder and records its id (run on the scanner, once) */
    DriveOverlap(String taskId, Path taskDir, Run run, DriveTreeUploader uploader, Supplier<File> taskFolder,
                 Duration quietPeriod) {
        this.taskId = taskId;
        this.taskDir = taskDir;
        this.run = run;
        this.uploader = uploader;
        this.taskFolder = taskFolder;
        this.quiet = new QuietFiles(quietPeriod);
        this.slots = new UploadSlots(new Aimd(uploader.parallelUploads()));
        this.uploads = uploader.pool(taskId, uploader.parallelUploads());
        this.scanner = uploader.threads().newSingleThreadScheduledExecutor(this, "drive-overlap-" + taskId);
        long every = Math.max(100, Math.min(500, quietPeriod.toMillis() / 4));
        scanner.scheduleWithFixedDelay(this::scan, every, every, TimeUnit.MILLISECONDS);
    }

    private void scan() {
        if (stopped) {
            return;
        }
        TaskTree tree;
        try {
            tree = TaskTree.scan(taskDir);
        } catch (IOException e) {
            return; // the tool renamed or removed a file during the walk: the next walk looks again
        }
        try {
            List<TaskTree.Entry> settled = quiet.settled(tree, System.nanoTime());
            if (settled.isEmpty()) {
                return;
            }
            run.ensureClaimed();
            if (mirror == null) {
                mirror = new DriveMirror(uploader.drive(), uploader.failures(), taskDir, taskFolder.get().getId());
            }
            for (TaskTree.Entry file : settled) {
                if (stopped) {
                    return;
                }
                DriveMirror.Upload upload;
                try {
                    upload = mirror.judge(file).upload();
                } catch (UncheckedIOException e) {
                    continue; // the file went or changed under the walk: the delivery after the download judges it
                }
                if (upload != null) {
                    queued.add(uploads.submit(() -> upload(upload)));
                }
            }
        } catch (ClaimLostException e) {
            stop("fenced", e);
        } catch (Exception e) {
            stop("failed", e);
        }
    }

    private void upload(DriveMirror.Upload upload) {
        if (stopped) {
            return;
        }
        try {
            run.ensureClaimed();
            uploader.uploadOne(taskId, upload, slots, () -> !run.fenced(), () -> !stopped && !run.fenced());
            bytes.addAndGet(upload.size());
            int count = uploaded.incrementAndGet();
            progress(count);
        } catch (ClaimLostException e) {
            stop("fenced", e);
        } catch (TransientTaskException e) {
            // this file only (the tool rewrote it under the upload, a refusal that outlasted the download, a network
            // error): the delivery after the download sends it
            Event.info(LOG).task(taskId).stage("download").outcome("overlap-skipped").kv("file", upload.name())
                    .error(e.getMessage()).log();
        } catch (RuntimeException e) {
            stop("failed", e);
        }
    }

    private synchronized void progress(int count) {
        long now = System.nanoTime();
        if (now - progressAt >= PROGRESS_EVERY_NANOS && !stopped) {
            progressAt = now;
            run.progress("downloading; " + count + (count == 1 ? " file" : " files") + " uploaded so far");
        }
    }

    private void stop(String outcome, Exception why) {
        if (!stopped) {
            stopped = true;
            Event.warn(LOG).task(taskId).stage("download").outcome("overlap-" + outcome)
                    .note("no more uploads until the download ends; the delivery after it does the rest")
                    .error(why.getMessage()).log();
        }
    }

    @Override
    public void close() {
        stopped = true;
        queued.forEach(f -> f.cancel(false));
        uploader.threads().shutdown(scanner);
        uploader.threads().shutdown(uploads);
        boolean interrupted = false;
        for (ExecutorService pool : List.of(scanner, uploads)) {
            while (true) {
                try {
                    pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the wait goes on: the next attempt must not meet this one's upload in flight
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (uploaded.get() > 0) {
            Event.info(LOG).task(taskId).stage("download").outcome("overlapped").kv("uploaded", uploaded.get())
                    .kv("bytes", bytes.get()).note("sent while the download ran").log();
        }
    }
}

package io.enrollflow.pipeline;

import io.enrollflow.delivery.BeforeDelivery;
import io.enrollflow.delivery.Delivery;
import io.enrollflow.delivery.DeliveryState;
import io.enrollflow.delivery.Overlap;
import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.download.DownloadRunner;
import io.enrollflow.download.TaskTree;
import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The Java half of routes/deliver.camel.yaml: status uploading ({@link #start}), the target's {@link Delivery} (Drive
 * or folder, chosen in the YAML on {@code enrollflow.delivery.target}; {@link #via}), then the task's end: completed
 * with its deliveryUrl and released from the queue in one step, and its work folder removed unless
 * {@code enrollflow.download.keep}. Status uploading is written before the delivery starts, so the backend sees it while
 * the delivery runs; it is fenced in Redis (refused when the task was taken over), so a run that lost its claim
 * delivers nothing. The Drive folder id is written through the same fence. A fenced run leaves the work folder alone:
 * it is the current claim holder's.
 */
public class DeliveryStep {

    private static final Logger LOG = LogManager.getLogger(DeliveryStep.class);

    private final DownloadRunner downloads;
    private final StatusStore status;
    private final boolean keep;
    private final BeforeDelivery before;

    public DeliveryStep(DownloadRunner downloads, StatusStore status, boolean keep, BeforeDelivery before) {
        this.before = before;
        this.downloads = downloads;
        this.status = status;
        this.keep = keep;
    }

    /** The target that also delivers while the download runs, or null; with its quiet period. */
    private Delivery overlapping;
    private Duration quietPeriod;

    /**
     * Lets the target deliver what the download is done with while it runs (enrollflow.delivery.overlap,
     * docs/contract.md §5); called once while the runtime is wired.
     */
    public void overlapWith(Delivery delivery, Duration quietPeriod) {
        this.overlapping = delivery;
        this.quietPeriod = quietPeriod;
    }

    /**
     * The delivery beside this run's download ({@link Overlap#NONE} without one). Its notes (the Drive folder id) and
     * its status message are written through the run's fence; it asks the run's claim before each file.
     */
    public Overlap overlap(TaskRun run) {
        if (overlapping == null) {
            return Overlap.NONE;
        }
        Overlap.Run watch = new Overlap.Run() {
            @Override
            public void ensureClaimed() {
                status.ensureClaimed(run);
            }

            @Override
            public boolean fenced() {
                return run.fenced();
            }

            @Override
            public void progress(String message) {
                status.putField(run, "message", message);
            }
        };
        return overlapping.overlap(run.task(), downloads.taskDir(run.task()), new HashState(run), watch, quietPeriod);
    }

    /** Exchange properties carrying one delivery from {@link #start} through the target to {@link #complete}. */
    static final String LEFT_OUT = "enrollflowDeliveryLeftOut";
    static final String STARTED = "enrollflowDeliveryStarted";
    static final String URL = "enrollflowDeliveryUrl";
    /** The tree {@link #start} walked, for a target that would walk the folder again ({@link Delivery}). */
    static final String TREE = "enrollflowDeliveryTree";

    /** Before the target: the target's fleet-wide limits, then status uploading (fenced). */
    public void start(Exchange exchange) throws Exception {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        run.stage(Stage.DELIVER);
        Path taskDir = downloads.taskDir(run.task());
        before.await(run, taskDir);
        // only regular files and folders are delivered (TaskTree): say what else the download left and is not sent
        TaskTree tree = TaskTree.scan(taskDir);
        String leftOut = tree.leftOutNote();
        if (!leftOut.isEmpty()) {
            Event.warn(LOG).task(run.taskId()).stage("deliver").outcome("left-out").note(leftOut).log();
        }
        String message = leftOut.isEmpty() ? "delivering" : "delivering; " + leftOut;
        status.transition(run, TaskStatus.UPLOADING, Stage.DELIVER, message);
        exchange.setProperty(LEFT_OUT, leftOut);
        exchange.setProperty(TREE, tree);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** One target as a route step (deliver.camel.yaml: {@code deliverToDrive} or {@code deliverToFolder}). */
    public Target via(Delivery delivery) {
        return new Target(delivery);
    }

    /** A {@link Delivery} as a route step: delivers the task's folder and keeps the URL for {@link #complete}. */
    public final class Target {
        private final Delivery delivery;

        Target(Delivery delivery) {
            this.delivery = delivery;
        }

        public void deliver(Exchange exchange) throws Exception {
            TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
            exchange.setProperty(URL, delivery.deliver(run.task(), downloads.taskDir(run.task()),
                    exchange.getProperty(TREE, TaskTree.class), new HashState(run)));
        }
    }

    /** After the target: completed with its deliveryUrl (and acknowledged), then the work folder removed. */
    public void complete(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        String url = exchange.getProperty(URL, String.class);
        String leftOut = exchange.getProperty(LEFT_OUT, "", String.class);
        long started = exchange.getProperty(STARTED, System.nanoTime(), Long.class);
        status.complete(run, url, leftOut.isEmpty() ? "delivered" : "delivered; " + leftOut);
        Event.info(LOG).task(run.taskId()).stage("deliver").outcome("completed").email(run.task().email())
                .kv("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0).kv("delivery_url", url).log();
        Path taskDir = downloads.taskDir(run.task());
        // after a rename into the delivery folder nothing is left: java.io.File says so without the exception that
        // Files.exists builds for a missing path (a measurable share of a worker's CPU in bench/run.sh)
        if (!keep && taskDir.toFile().exists()) {
            try {
                FolderDelivery.deleteTree(taskDir);
            } catch (IOException e) {
                // the task is delivered; a leftover folder is only disk space
                Event.warn(LOG).task(run.taskId()).stage("deliver").outcome("cleanup-failed").kv("path", taskDir)
                        .error(e.getMessage()).log();
            }
        }
    }

    /** Delivery notes kept as fields of the task's status hash; written only while the run holds its claim. */
    private final class HashState implements DeliveryState {
        private final TaskRun run;

        HashState(TaskRun run) {
            this.run = run;
        }

        @Override
        public Optional<String> get(String field) {
            return Optional.ofNullable(status.field(run.taskId(), field));
        }

        @Override
        public void put(String field, String value) {
            status.putField(run, field, value);
        }
    }
}

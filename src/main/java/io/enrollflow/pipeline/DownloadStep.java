package io.enrollflow.pipeline;

import io.enrollflow.download.DownloadRunner;
import io.enrollflow.download.NotEnrolledException;
import io.enrollflow.limit.DiskSpace;
import io.enrollflow.limit.DownloadPermits;
import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.task.TransientTaskException;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The Java half of routes/download.camel.yaml. {@link #download} sets the header {@link #OUTCOME_HEADER}
 * (downloaded | not_enrolled) for the route's router; after enrolling again, {@link #downloadAfterReEnroll} runs the
 * command once more and fails the task ({@code not_enrolled}) if it still says so. A failed run's log tail travels with
 * the task into its dead-letter record. Each run of the command holds one of the fleet's download permits
 * ({@code enrollflow.download.max-concurrent}), given back when the command ends, however it ends; before that, the
 * work directory must have {@code enrollflow.download.min-free} free ({@link DiskSpace}).
 */
public class DownloadStep {

    public static final String OUTCOME_HEADER = "enrollflowDownload";

    private static final Logger LOG = LogManager.getLogger(DownloadStep.class);

    private final DownloadRunner runner;
    private final StatusStore status;
    private final DownloadPermits permits;
    private final DiskSpace disk;

    public DownloadStep(DownloadRunner runner, StatusStore status, DownloadPermits permits, DiskSpace disk) {
        this.runner = runner;
        this.status = status;
        this.permits = permits;
        this.disk = disk;
    }

    public void download(Exchange exchange) throws Exception {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        DownloadRunner.Outcome outcome = runOnce(run, "downloading");
        if (outcome == DownloadRunner.Outcome.NOT_ENROLLED) {
            // download.camel.yaml takes this header to enrollment, then to downloadAfterReEnroll
            Event.warn(LOG).task(run.taskId()).stage("download").outcome("not-enrolled")
                    .note("enrolling again, then one more download").log();
        }
        exchange.getMessage().setHeader(OUTCOME_HEADER, outcome.name().toLowerCase());
    }

    public void downloadAfterReEnroll(Exchange exchange) throws Exception {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        if (runOnce(run, "downloading again after enrolling again") == DownloadRunner.Outcome.NOT_ENROLLED) {
            throw new NotEnrolledException("the download still says the account is not enrolled after enrolling again");
        }
        exchange.getMessage().setHeader(OUTCOME_HEADER, "downloaded");
    }

    private DownloadRunner.Outcome runOnce(TaskRun run, String message) throws Exception {
        run.stage(Stage.DOWNLOAD);
        disk.await(run, runner.taskDir(run.task()));
        try (DownloadPermits.Permit permit = permits.acquire(run)) {
            return runWithPermit(run, message);
        }
    }

    private DownloadRunner.Outcome runWithPermit(TaskRun run, String message) throws Exception {
        status.transition(run, TaskStatus.DOWNLOADING, Stage.DOWNLOAD, message);
        long started = System.nanoTime();
        try {
            DownloadRunner.Outcome outcome = runner.run(run.task());
            if (outcome == DownloadRunner.Outcome.NOT_ENROLLED) {
                run.downloadLogTail(runner.logTail(run.task()));
            }
            Event.info(LOG).task(run.taskId()).stage("download").outcome(outcome.name().toLowerCase())
                    .kv("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0).log();
            return outcome;
        } catch (TransientTaskException e) {
            // the task goes on to retry or dead letter (task-failures); its record carries the log's tail
            run.downloadLogTail(runner.logTail(run.task()));
            throw e;
        }
    }
}

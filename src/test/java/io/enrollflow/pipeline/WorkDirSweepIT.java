package io.enrollflow.pipeline;

import io.enrollflow.ops.Cli;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The work directory's retention (docs/contract.md §14) through the real routes: a dead-lettered task's folder and the
 * download logs go after their one-second retention, and a replay that finds the folder gone downloads again; the log
 * of a download still running is kept, however long it has been silent.
 */
class WorkDirSweepIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);
    @TempDir
    Path tmp;

    @Test
    void aFailedTasksFolderAndLogGoAfterTheirRetentionAndItsReplayDownloadsAgain() throws Exception {
        // the first run leaves a partial folder and fails; every later one writes the course
        DownloadScripts.Script download = pipeline.scripts().custom("fails-once",
                "if [ ! -f \"$SCRIPT_DIR/failed\" ]; then\n"
                        + "  touch \"$SCRIPT_DIR/failed\"\n  printf 'half' > \"$1/part.bin\"\n"
                        + "  echo 'the download broke off'\n  exit 3\nfi\n"
                        + "printf 'the course\\n' > \"$1/lesson.txt\"\n");
        pipeline.set("enrollflow.retry.max-attempts", "1")
                .set("enrollflow.download.failed-retention", "1s")
                .set("enrollflow.download.log-retention", "1s")
                .downloadCommand(download.command())
                .start();
        Tasks task = aTask();

        pipeline.push(task);
        pipeline.awaitFailed(task.taskId());
        Path folder = pipeline.taskDir(task.taskId());
        Path log = pipeline.logFile(task.taskId());
        Pipeline.await(WAIT).until(() -> !Files.exists(folder) && !Files.exists(log));

        Cli.Result replay = new Cli(tmp, Map.of("enrollflow.redis.url", redis.url(), "enrollflow.queue.key",
                Pipeline.QUEUE)).run("dlq", "replay", task.taskId());
        assertEquals(0, replay.exitCode(), replay.err());
        pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals(2, download.calls(), "the replay downloaded again");
        assertTrue(Files.exists(pipeline.delivered(task.taskId()).resolve("lesson.txt")));
    }

    @Test
    void theLogOfADownloadThatRunsSilentlyPastTheRetentionIsKeptUntilItEnds() throws Exception {
        pipeline.set("enrollflow.download.log-retention", "1s")
                .downloadCommand(pipeline.scripts().custom("quiet", "echo 'connecting'\nsleep 5\n"
                        + "printf 'the course\\n' > \"$1/lesson.txt\"\n").command())
                .start();
        Tasks task = aTask();
        Path log = pipeline.logFile(task.taskId());

        pipeline.push(task);
        Pipeline.await(WAIT).until(() -> Files.exists(log));
        // rounds every second, each finding the log's last write over a second old while the download is silent
        Pipeline.await(WAIT).during(Duration.ofSeconds(3)).until(() -> Files.exists(log));
        assertEquals("downloading", pipeline.status(task.taskId()).get("status"));

        pipeline.awaitCompleted(task.taskId());
        Pipeline.await(WAIT).until(() -> !Files.exists(log));
    }
}

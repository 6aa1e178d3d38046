package io.enrollflow.status;

import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * docs/contract.md §3: the backend reads a task's status while the task works, so {@code downloading} shows while the
 * command runs and {@code uploading} while the delivery runs, each written when its stage begins.
 */
class LiveStatusIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    @Test
    void downloadingShowsWhileTheCommandRuns() throws Exception {
        Script download = pipeline.scripts().waitsForGate();
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> hash = pipeline.awaitStatus(task.taskId(), "downloading");

        assertEquals("download", hash.get("stage"));
        assertFalse(Files.exists(pipeline.delivered(task.taskId())), "nothing delivered while it downloads");
        download.openGate();
        pipeline.awaitCompleted(task.taskId());
    }

    @Test
    void uploadingShowsWhileAFolderDeliveryCopiesALargeTree() throws Exception {
        // a kept task folder is copied into the delivery folder, file by file: 3000 files take a while to copy
        Script download = pipeline.scripts().custom("large-tree", """
                i=0
                while [ $i -lt 30 ]; do
                  mkdir -p "$1/Module $i"
                  j=0
                  while [ $j -lt 100 ]; do
                    printf 'lecture %s of module %s\\n' $j $i > "$1/Module $i/lecture $j.txt"
                    j=$((j + 1))
                  done
                  i=$((i + 1))
                done
                """);
        pipeline.downloadCommand(download.command()).set("enrollflow.download.keep", "true").start();
        Tasks task = aTask();
        pipeline.push(task);

        // the first status after downloading that the backend can read
        String[] seen = new String[1];
        Pipeline.await(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> {
            seen[0] = pipeline.status(task.taskId()).get("status");
            return "uploading".equals(seen[0]) || "completed".equals(seen[0]) || "retrying".equals(seen[0]);
        });

        assertEquals("uploading", seen[0], "the delivery's status, seen while it copied");
        pipeline.awaitCompleted(task.taskId());
        try (Stream<Path> delivered = Files.walk(pipeline.delivered(task.taskId()))) {
            assertEquals(3000, delivered.filter(Files::isRegularFile).count());
        }
    }
}

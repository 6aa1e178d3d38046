package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.client.codec.StringCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery that overlaps the download (docs/contract.md §5), through the real routes with the Drive stand-in: download
 * scripts that write lectures under {@code .part} and rename them, and hold on a gate so the test can look while the
 * download still runs.
 */
class DriveOverlapIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Writes a lecture as a download tool does: under .part, renamed when complete. */
    private static final String LECTURE = """
            lecture() { mkdir -p "$(dirname "$1")"; head -c "$2" /dev/urandom > "$1.part"; mv "$1.part" "$1"; }
            gate() { while [ ! -f "$SCRIPT_DIR/$1" ]; do sleep 0.05; done; }
            """;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);
    @TempDir
    Path tmp;

    private DriveStandIn drive;
    private String parentId;

    @BeforeEach
    void startDriveAndConfigureThePipeline() throws Exception {
        drive = DriveStandIn.start();
        parentId = drive.createFolder(null, "Deliveries");
        pipeline.set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(tmp.resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", parentId)
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.retry-initial-interval", "10ms")
                .set("enrollflow.delivery.overlap-quiet-period", "300ms")
                .set("enrollflow.download.timeout", "120s")
                .set("enrollflow.download.keep", "true");
    }

    @AfterEach
    void stopPipelineThenDrive() {
        try {
            pipeline.stop();
        } finally {
            drive.close();
        }
    }

    private void gate(Script script, String name) throws Exception {
        Files.writeString(script.dir().resolve(name), "open");
    }

    private List<String> statusHistory(String taskId) throws Exception {
        List<String> statuses = new ArrayList<>();
        for (String json : redis.list(RedisExtension.TASK_PREFIX + taskId + ":history")) {
            statuses.add(JSON.readTree(json).path("status").asText());
        }
        Collections.reverse(statuses); // the list is newest first
        return statuses;
    }

    private List<String> namesEverCreated() {
        return drive.everything().stream().map(Item::name).toList();
    }

    @Test
    void lecturesGoUpWhileTheDownloadRunsNeverAsPartFilesAndTheDriveTreeEndsExact() throws Exception {
        Script download = pipeline.scripts().custom("lectures", LECTURE + """
                lecture "Section 1/01 Intro.mp4" 200000
                printf 'WEBVTT\\n\\n00:00.000 --> 00:01.000\\nHello\\n' > "Section 1/01 Intro.en.vtt"
                lecture "Section 1/02 Setup.mp4" 300000
                head -c 150000 /dev/urandom > "Section 1/03 Bonus.mp4.part"
                echo "[download]  60.0% of 4 lectures"
                gate first.open
                mv "Section 1/03 Bonus.mp4.part" "Section 1/03 Bonus.mp4"
                lecture "Section 2/04 More.mp4" 100000
                echo "[download] 100.0% of 4 lectures"
                """);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();

        pipeline.push(task);
        // the command waits at its gate: what arrives meanwhile went up while it ran
        Pipeline.await(WAIT).until(() -> drive.uploadsCompleted() == 3);
        Pipeline.await(WAIT).until(() -> pipeline.status(task.taskId()).getOrDefault("message", "").contains("uploaded so far"));
        assertEquals("downloading", pipeline.status(task.taskId()).get("status"), "the download still runs");
        assertTrue(namesEverCreated().stream().noneMatch(n -> n.endsWith(".part")),
                "a .part file that sat still past the quiet period was not taken: " + namesEverCreated());
        gate(download, "first.open");
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals(localTree(pipeline.taskDir(task.taskId())), drive.tree(status.get(DriveDelivery.FOLDER_ID_FIELD)),
                "the Drive tree, byte for byte");
        assertEquals(1, drive.children(parentId).size(), "one task folder");
        assertEquals(5, drive.uploadsCompleted(), "each file once");
        assertEquals(5, drive.requests(Call.UPLOAD_START), "no upload begun twice");
        assertTrue(drive.everything().stream().noneMatch(Item::trashed), "nothing replaced: " + drive.everything());
        assertTrue(namesEverCreated().stream().noneMatch(n -> n.endsWith(".part")), namesEverCreated().toString());
        assertEquals(List.of("downloading", "uploading", "completed"),
                statusHistory(task.taskId()).subList(statusHistory(task.taskId()).size() - 3, statusHistory(task.taskId()).size()));
        assertEquals("1", status.get("attempts"));
    }

    @Test
    void aRetryAfterAFailedDownloadUploadsOnlyWhatWasMissing() throws Exception {
        Script download = pipeline.scripts().custom("resumes", LECTURE + """
                runs=$(wc -l < "$SCRIPT_DIR/resumes.calls")
                # a tool that resumes: what it finished on an earlier run stays as it is
                [ -f "01 Intro.mp4" ] || lecture "01 Intro.mp4" 200000
                [ -f "02 Setup.mp4" ] || lecture "02 Setup.mp4" 100000
                if [ "$runs" -eq 1 ]; then
                  gate first.open
                  echo "ERROR: the course server hung up"
                  exit 1
                fi
                lecture "03 More.mp4" 50000
                lecture "04 Last.mp4" 70000
                """);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();

        pipeline.push(task);
        Pipeline.await(WAIT).until(() -> drive.uploadsCompleted() == 2);
        gate(download, "first.open");
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals("2", status.get("attempts"), "the first download failed");
        assertTrue(statusHistory(task.taskId()).contains("retrying"), statusHistory(task.taskId()).toString());
        assertEquals(localTree(pipeline.taskDir(task.taskId())), drive.tree(status.get(DriveDelivery.FOLDER_ID_FIELD)));
        assertEquals(1, drive.children(parentId).size(), "the retry reused the folder");
        assertEquals(4, drive.uploadsCompleted(), "the two early uploads were not sent again");
        assertEquals(4, drive.requests(Call.UPLOAD_START));
    }

    @Test
    void aFencedRunUploadsNothingMore() throws Exception {
        Script download = pipeline.scripts().custom("fenced", LECTURE + """
                trap 'echo killed > "$SCRIPT_DIR/fenced.killed"; exit 143' TERM
                lecture "01 Intro.mp4" 200000
                gate first.open
                lecture "02 Setup.mp4" 100000
                lecture "03 More.mp4" 100000
                sleep 60
                """);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);
        Pipeline.await(WAIT).until(() -> drive.uploadsCompleted() == 1);

        // another instance takes the task over: the claim holds its token now
        redis.client().getBucket(pipeline.keys().claim(task.taskId()), StringCodec.INSTANCE).set("taken-over");
        gate(download, "first.open");

        Pipeline.await(WAIT).until(() -> !download.file("killed").isEmpty());
        assertEquals(1, drive.uploadsCompleted(), "nothing after the first lecture: " + namesEverCreated());
        assertEquals(1, drive.requests(Call.UPLOAD_START));
        assertEquals("downloading", pipeline.status(task.taskId()).get("status"), "the fenced run wrote nothing more");
    }
}

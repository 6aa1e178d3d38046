package io.enrollflow.delivery.drive;

import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.delivery.drive.DriveDeliveryIT.write;
import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/contract.md §14: a completed task's status and history expire after {@code enrollflow.status.retention}; the
 * same task pushed again afterwards runs again, and its Drive delivery finds the folder it made by name and uploads
 * nothing twice. The real routes, the real Google client and {@link DriveStandIn}.
 */
class DriveRetentionIT {

    /** Generous: two cores, and other builds may be running. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api).set("enrollflow.management.port", "0");
    @TempDir
    Path tmp;

    private DriveStandIn drive;
    private String parentId;
    private Path course;

    @BeforeEach
    void startDriveAndConfigureThePipeline() throws Exception {
        drive = DriveStandIn.start();
        parentId = drive.createFolder(null, "Deliveries");
        course = tmp.resolve("course");
        write(course.resolve("Lektion 1/01 intro.mp4"), 200_000);
        write(course.resolve("notes.txt"), 1_000);
        pipeline.set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(tmp.resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", parentId)
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.retry-initial-interval", "10ms")
                .set("enrollflow.drive.retry-max-elapsed", "2s")
                .set("enrollflow.status.retention", "1s")
                .downloadCommand(pipeline.scripts().copiesTree(course).command());
    }

    @AfterEach
    void stopPipelineThenDrive() {
        try {
            pipeline.stop();
        } finally {
            drive.close();
        }
    }

    @Test
    void aCompletedTasksStatusExpiresAndTheTaskPushedAgainCompletesWithoutASecondFolderOrUpload() throws Exception {
        pipeline.start();
        Tasks task = aTask().orderId("1007").email("ada.lovelace@example.org");
        String statusKey = RedisExtension.TASK_PREFIX + task.taskId();

        pipeline.push(task);
        pipeline.awaitStatus(task.taskId(), "completed", WAIT);
        int uploads = drive.uploadsCompleted();
        Pipeline.await(WAIT).until(() -> !redis.exists(statusKey) && !redis.exists(statusKey + ":history"));

        pipeline.push(task);
        pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        List<Item> inParent = drive.children(parentId);
        assertEquals(1, inParent.size(), "one folder for the task, found again by name: " + inParent);
        assertEquals(uploads, drive.uploadsCompleted(), "no file uploaded a second time");
        assertEquals(localTree(course), drive.tree(inParent.get(0).id()));
    }
}

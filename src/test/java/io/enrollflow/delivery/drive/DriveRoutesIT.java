package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Fault;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.ops.Cli;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.delivery.drive.DriveDeliveryIT.write;
import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drive delivery through the real routes (docs/contract.md §3, §5, §6): the runtime in-process with
 * {@code enrollflow.delivery.target=drive}, tasks pushed onto the Redis queue, a download script that copies a course
 * tree into the task folder, and {@link DriveStandIn} answering the real Google client.
 */
class DriveRoutesIT {

    /** Generous: two cores, and other builds may be running. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String BUYER = "ada.lovelace@example.org";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        write(course.resolve("Lektion 1 – Einführung/01 'Hallo' \"Welt\".mp4"), 300_000);
        write(course.resolve("Lektion 1 – Einführung/notes back\\slash.txt"), 1_000);
        write(course.resolve("課程 'două'/空.txt"), 0);
        write(course.resolve("a/b/deep.bin"), 70_000);
        write(course.resolve("top level.pdf"), 5_000);
        pipeline.set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(tmp.resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", parentId)
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.share-role", "commenter")
                .set("enrollflow.drive.retry-initial-interval", "10ms")
                .set("enrollflow.drive.retry-max-elapsed", "2s")
                .downloadCommand(pipeline.scripts().copiesTree(course).command());
    }

    @AfterEach
    void stopPipelineThenDrive() {
        try {
            pipeline.stop(); // before the stand-in goes, so no in-flight call meets a closed port
        } finally {
            drive.close();
        }
    }

    private Tasks aBuyersTask() {
        return aTask().orderId("1007").email(BUYER);
    }

    private int courseFiles() throws Exception {
        try (var walk = Files.walk(course)) {
            return (int) walk.filter(Files::isRegularFile).count();
        }
    }

    /** The one thing in the parent folder: the task's folder, named by the default folder-name template. */
    private Item onlyTaskFolder(String taskId) {
        List<Item> inParent = drive.children(parentId);
        assertEquals(1, inParent.size(), "the parent holds: " + inParent);
        assertEquals(List.of(inParent.get(0)), drive.findFolders(parentId, "1007 " + taskId), "the parent holds: " + inParent);
        return inParent.get(0);
    }

    /** The statuses the task went through, oldest first. */
    private List<String> statusHistory(String taskId) {
        List<String> statuses = new ArrayList<>(redis.list(RedisExtension.TASK_PREFIX + taskId + ":history").stream()
                .map(json -> parse(json).path("status").asText()).toList());
        Collections.reverse(statuses); // the list is newest first
        return statuses;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    // ---- what arrives

    @Test
    void aTaskEndsCompletedWithTheTreeInItsOwnDriveFolderSharedWithTheBuyer() throws Exception {
        pipeline.start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        Item folder = onlyTaskFolder(task.taskId());
        assertEquals(folder.webViewLink(), status.get("deliveryUrl"));
        assertEquals(localTree(course), drive.tree(folder.id()), "the Drive tree, byte for byte (sha-256)");
        List<Grant> grants = drive.permissions(folder.id());
        assertEquals(List.of(new Grant(grants.get(0).id(), "user", "commenter", BUYER, false)), grants);
        assertEquals(courseFiles(), drive.uploadsCompleted());
        assertEquals(List.of(), drive.requestsWithoutSupportsAllDrives());
    }

    @Test
    void theDriveFolderIdIsRecordedInTheStatusHash() throws Exception {
        pipeline.start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals(onlyTaskFolder(task.taskId()).id(), status.get(DriveDelivery.FOLDER_ID_FIELD));
    }

    @Test
    void theTaskFolderOnDiskIsRemovedAfterDelivery() throws Exception {
        pipeline.start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        // the folder goes after the status is written: with a fast Drive the test can look in between
        Pipeline.await(WAIT).until(() -> !Files.exists(pipeline.taskDir(task.taskId())));
        assertTrue(Files.exists(pipeline.logFile(task.taskId())), "the download log stays");
    }

    @Test
    void theTaskFolderOnDiskIsKeptWhenDownloadKeepIsTrue() throws Exception {
        pipeline.set("enrollflow.download.keep", "true").start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals(localTree(course), localTree(pipeline.taskDir(task.taskId())));
    }

    // ---- failures

    @Test
    void aMissingParentFolderFailsTheTaskWithADeadLetterNamingTheParent() throws Exception {
        pipeline.set("enrollflow.drive.parent-folder-id", "0AbsentParentFolder").start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "failed", WAIT);

        assertEquals("delivery_failed", status.get("reason"));
        assertEquals("1", status.get("attempts"), "not retried: the operator must fix the setting");
        JsonNode record = pipeline.awaitDeadLetter(task.taskId());
        assertEquals("deliver", record.path("stage").asText());
        assertEquals("delivery_failed", record.path("reason").asText());
        assertTrue(record.path("message").asText().contains("0AbsentParentFolder"), record.toString());
        assertEquals(task.taskId(), record.path("task").path("taskId").asText(), record.toString());
        assertEquals(0, drive.requests(Call.FILES_CREATE) + drive.uploadsCompleted(), "nothing was created");
    }

    @Test
    void aPermission403FailsTheTaskAtOnceWithoutRetrying() throws Exception {
        // the Google client's exception (an IOException) travels as the cause of the final failure
        drive.inject(Fault.status(403, "insufficientPermissions").on(Call.FILES_CREATE).always());
        pipeline.start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "failed", WAIT);

        assertEquals("delivery_failed", status.get("reason"));
        assertEquals("1", status.get("attempts"), "a permission problem needs the operator, not another attempt");
        assertFalse(statusHistory(task.taskId()).contains("retrying"), statusHistory(task.taskId()).toString());
        JsonNode record = pipeline.awaitDeadLetter(task.taskId());
        assertEquals("deliver", record.path("stage").asText());
        assertTrue(record.path("message").asText().contains("edit access to folder " + parentId), record.toString());
    }

    @Test
    void aRateLimit403OnAnUploadIsAbsorbedAndTheTaskCompletesOnItsFirstAttemptWithoutDuplicates() throws Exception {
        Fault rateLimit = drive.inject(Fault.status(403, "userRateLimitExceeded").on(Call.UPLOAD_START).nth(2));
        // the attempts are counted: a slow enrollment answer on a loaded machine must not add one
        pipeline.set("enrollflow.enroll.timeout", "60s");
        pipeline.start();
        Tasks task = aBuyersTask();

        pipeline.push(task);
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals(1, rateLimit.fired());
        assertFalse(statusHistory(task.taskId()).contains("retrying"), statusHistory(task.taskId()).toString());
        assertEquals("1", status.get("attempts"), "Drive's slow-down was absorbed inside the delivery");
        Item folder = onlyTaskFolder(task.taskId());
        assertEquals(localTree(course), drive.tree(folder.id()));
        assertEquals(courseFiles(), drive.uploadsCompleted(), "no file uploaded twice");
        assertEquals(1, drive.permissions(folder.id()).size());
        assertEquals(folder.webViewLink(), status.get("deliveryUrl"));
    }

    // ---- delivering a failed task again

    @Test
    void aFailedTaskPushedAgainReusesItsFolderAndUploadsOnlyWhatWasMissing() throws Exception {
        // every upload after the first two is refused as for a permission problem: failed, not retried
        drive.inject(Fault.status(403, "insufficientPermissions").on(Call.UPLOAD_START).afterUploads(2).always());
        pipeline.start();
        Tasks task = aBuyersTask();
        pipeline.push(task);
        Map<String, String> failed = pipeline.awaitStatus(task.taskId(), "failed", WAIT);
        assertEquals("delivery_failed", failed.get("reason"));
        assertEquals("1", failed.get("attempts"));
        String folderId = failed.get(DriveDelivery.FOLDER_ID_FIELD);
        int firstRun = drive.uploadsCompleted();
        assertTrue(firstRun >= 2 && firstRun < courseFiles(), "uploads before the failure: " + firstRun);

        drive.clearFaults();
        pipeline.push(task);
        // (not awaitStatus: it gives up at once on the "failed" the hash shows until a worker takes the task again)
        Pipeline.await(WAIT).until(() -> "completed".equals(pipeline.status(task.taskId()).get("status")));
        Map<String, String> status = pipeline.status(task.taskId());

        Item folder = onlyTaskFolder(task.taskId());
        assertEquals(folderId, folder.id());
        assertEquals(folderId, status.get(DriveDelivery.FOLDER_ID_FIELD));
        assertEquals(localTree(course), drive.tree(folder.id()));
        assertEquals(courseFiles(), drive.uploadsCompleted(), "no file uploaded twice");
        assertEquals(1, drive.permissions(folder.id()).size());
        assertNull(pipeline.deadLetter(task.taskId()), "the dead-letter record goes when the task runs again");
    }

    @Test
    void aReplayedTaskThatFailedAtSharingReusesItsFolderAndSharesItOnce() throws Exception {
        drive.inject(Fault.status(403, "insufficientPermissions").on(Call.PERMISSIONS_CREATE).always());
        pipeline.start();
        Tasks task = aBuyersTask();
        pipeline.push(task);
        assertEquals("1", pipeline.awaitStatus(task.taskId(), "failed", WAIT).get("attempts"));
        JsonNode record = pipeline.awaitDeadLetter(task.taskId());
        assertEquals("deliver", record.path("stage").asText());
        assertTrue(record.path("message").asText().contains(drive.serviceAccountEmail()), record.toString());
        assertEquals(courseFiles(), drive.uploadsCompleted());

        drive.clearFaults();
        Cli.Result replay = new Cli(tmp, Map.of("enrollflow.redis.url", redis.url(), "enrollflow.queue.key", Pipeline.QUEUE))
                .run("dlq", "replay", task.taskId());
        assertEquals(0, replay.exitCode(), replay.err());
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        Item folder = onlyTaskFolder(task.taskId());
        assertEquals("1", status.get("replays"));
        assertEquals(folder.webViewLink(), status.get("deliveryUrl"));
        assertEquals(localTree(course), drive.tree(folder.id()));
        assertEquals(courseFiles(), drive.uploadsCompleted(), "nothing uploaded again");
        assertEquals(List.of(BUYER), drive.permissions(folder.id()).stream().map(Grant::emailAddress).toList());
    }
}

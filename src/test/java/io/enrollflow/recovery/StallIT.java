package io.enrollflow.recovery;

import io.enrollflow.delivery.drive.DriveStandIn;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.enrollflow.testing.Tasks.aTask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stall, with the built jar: two instances deliver to Drive (the stand-in); one is stopped with SIGSTOP
 * in the middle of its work for longer than the recovery timeout (a long GC pause, a frozen VM, a partition look the
 * same), the other takes its tasks over and completes them, then the stopped one is resumed with SIGCONT. Its stale
 * runs are fenced: every task ends {@code completed} with exactly one {@code completed} in its history and nothing
 * after it, one Drive folder per task, each file uploaded once, one permission, no poison (docs/contract.md §3, §5, §7).
 */
class StallIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    /** Longer than the recovery timeout ({@value Fleet#RECOVERY_TIMEOUT}) with room for the reaper to act. */
    private static final Duration STALL = Duration.ofSeconds(9);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Fleet fleet = new Fleet(redis.url(), api.url());

    private DriveStandIn drive;
    private String parentId;

    @BeforeEach
    void driveDelivery() throws IOException {
        drive = DriveStandIn.start();
        parentId = drive.createFolder(null, "Deliveries");
        fleet.set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(fleet.root().resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", parentId)
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.chunk-size-kib", "256")
                .set("enrollflow.retry.max-attempts", "5");
    }

    @AfterEach
    void stopDrive() {
        fleet.stopAll();
        drive.close();
    }

    @Test
    void anInstanceStalledDuringItsDownloadsDoesNotUndoTheTakeOver() throws Exception {
        Script download = fleet.scripts().custom("course", """
                echo $$ >> "$SCRIPT_DIR/course.pids"
                sleep 3
                mkdir -p "$1/Module 1"
                head -c 300000 /dev/urandom > "$1/Module 1/01 Intro.mp4"
                printf 'course %s\\n' "$3" > "$1/README.txt"
                """);
        fleet.download(download);
        List<Tasks> tasks = tasks("dl", 12);

        stallMidWork(tasks, "downloading");

        assertEachTaskDeliveredOnce(tasks, 2);
    }

    @Test
    void anInstanceStalledDuringAnUploadDoesNotUploadAgain() throws Exception {
        Script download = fleet.scripts().custom("course", """
                mkdir -p "$1/Module 1"
                head -c 2000000 /dev/urandom > "$1/Module 1/01 Intro.mp4"
                printf 'course %s\\n' "$3" > "$1/README.txt"
                """);
        fleet.download(download);
        drive.chunkDelay(Duration.ofMillis(400)); // 8 chunks of 256 KiB: an upload takes a few seconds
        List<Tasks> tasks = tasks("up", 8);

        stallMidWork(tasks, "uploading");
        drive.chunkDelay(Duration.ZERO);

        assertEachTaskDeliveredOnce(tasks, 2);
    }

    private static List<Tasks> tasks(String prefix, int n) {
        List<Tasks> tasks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            tasks.add(aTask().id(prefix + "-" + i).orderId("70" + i).email("buyer" + i + "@example.com"));
        }
        return tasks;
    }

    /**
     * Starts instance A, pushes the tasks, stops A with SIGSTOP once A holds a task whose status is {@code status} (for
     * uploading: once Drive received bytes), starts B meanwhile, keeps A stopped for {@link #STALL} after B took its
     * tasks over, then resumes it. B starts during the stall, not before it: on a loaded machine B's start took as long
     * as A's whole upload, and A was then stopped after its work instead of in it.
     */
    private void stallMidWork(List<Tasks> tasks, String status) throws Exception {
        fleet.set("enrollflow.download.work-dir", fleet.root().resolve("work-a").toString());
        Worker a = fleet.start();
        String idA = a.awaitReady(redis.client(), WAIT);
        tasks.forEach(task -> redis.lpush(Fleet.QUEUE, task.json()));

        await("A mid-work").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> tasks.stream().anyMatch(task ->
                status.equals(redis.hash(task.taskId()).get("status")) && heldBy(task, idA))
                && (!status.equals("uploading") || drive.bytesReceived() > 0));
        signal("STOP", a);
        Worker b;
        try {
            fleet.set("enrollflow.download.work-dir", fleet.root().resolve("work-b").toString());
            b = fleet.start();
            b.awaitReady(redis.client(), WAIT);
            // B takes A's tasks over meanwhile (A's heartbeat expires after the recovery timeout)
            await("A's tasks taken over").atMost(WAIT).until(() -> !redis.client()
                    .getSet("enrollflow:instances", StringCodec.INSTANCE).contains(idA));
            TimeUnit.MILLISECONDS.sleep(STALL.toMillis());
        } finally {
            signal("CONT", a);
        }
        await("every task ended").atMost(WAIT).until(() -> tasks.stream().allMatch(task ->
                "completed".equals(redis.hash(task.taskId()).get("status"))
                        || "failed".equals(redis.hash(task.taskId()).get("status"))));
        // A comes back: its stale runs are fenced, it registers again and goes on working
        await("A came back").atMost(WAIT).until(() -> !a.logLines("outcome=presumed-dead").isEmpty());
        assertFalse(a.logLines("outcome=fenced").isEmpty(), "A's stale runs were fenced:\n" + a.log());
        assertTrue(a.alive(), a.log());
        assertTrue(b.alive(), b.log());
    }

    private void assertEachTaskDeliveredOnce(List<Tasks> tasks, int filesPerTask) throws Exception {
        // give stale runs time to write what they would (they must not): well past A's return
        TimeUnit.SECONDS.sleep(3);
        for (Tasks task : tasks) {
            Map<String, String> status = redis.hash(task.taskId());
            assertEquals("completed", status.get("status"), task.taskId() + ": " + status);
            History history = History.of(redis.client(), task.taskId());
            assertEquals(1, history.count("completed"), task.taskId() + ": " + history);
            assertEquals("completed", history.entries().get(history.entries().size() - 1).status(),
                    task.taskId() + ": nothing after completed: " + history);
            String name = status.get("orderId") + " " + task.taskId();
            List<Item> folders = drive.findFolders(parentId, name);
            assertEquals(1, folders.size(), task.taskId() + ": " + drive.children(parentId));
            assertEquals(folders.get(0).webViewLink(), status.get("deliveryUrl"));
            List<Grant> grants = drive.permissions(folders.get(0).id());
            assertEquals(1, grants.size(), task.taskId() + ": " + grants);
        }
        assertEquals(tasks.size(), drive.children(parentId).size(), "one folder per task: " + drive.children(parentId));
        assertEquals(tasks.size() * filesPerTask, drive.uploadsCompleted(), "each file uploaded once");
        assertEquals(List.of(), redis.deadLetterIds(), "no poison, no dead letter");
    }

    /** True when the task's claim names this instance as its owner ({@code <token> <instance id> <epoch>}). */
    private static boolean heldBy(Tasks task, String instanceId) {
        Object claim = redis.client().getBucket("enrollflow:claim:" + task.taskId(), StringCodec.INSTANCE).get();
        return claim != null && String.valueOf(claim).contains(" " + instanceId + " ");
    }

    private static void signal(String signal, Worker worker) throws Exception {
        worker.signal(signal);
        assertFalse(signal.equals("STOP") && !worker.alive(), "stopped, not ended");
    }
}

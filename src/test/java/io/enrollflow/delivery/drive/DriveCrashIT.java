package io.enrollflow.delivery.drive;

import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Fault;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.recovery.Fleet;
import io.enrollflow.recovery.Worker;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.RedisExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash recovery with Drive, black-box: 60 tasks delivered to Drive (the stand-in, failing every 7th upload request with a
 * 503) by the built jar, which is {@code kill -9}ed three times in the middle; then two instances at once finish the
 * rest. Every task ends completed with one Drive folder, each file uploaded once, the folder shared with its buyer once.
 */
class DriveCrashIT {

    private static final int TASKS = 60;
    private static final int KILLS = 3;
    /** Files per task (see the download script): a small one and one of two upload chunks. */
    private static final int FILES_PER_TASK = 2;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Fleet fleet = new Fleet(redis.url(), api.url());

    private DriveStandIn drive;

    @AfterEach
    void stopDrive() {
        if (drive != null) {
            drive.close();
        }
    }

    @Test
    void sixtyTasksSurviveThreeKillsAndEndInOneSharedDriveFolderEachWithNoFileUploadedTwice() throws IOException {
        drive = DriveStandIn.start();
        String parent = drive.createFolder(null, "Deliveries");
        Fault flaky = drive.inject(Fault.status(503, "backendError").on(Call.UPLOAD_START, Call.UPLOAD_CHUNK).every(7));
        Script download = fleet.scripts().custom("course", "sleep 1\n"
                + "mkdir -p \"$1/Module 1\" \"$1/Module 2\"\n"
                + "printf 'welcome to the course\\n' > \"$1/Module 1/intro.txt\"\n"
                + "head -c 300000 /dev/zero | tr '\\0' 'v' > \"$1/Module 2/lesson.bin\"\n");
        fleet.download(download)
                .set("enrollflow.worker.concurrency", "4")
                .set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(fleet.root().resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", parent)
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.chunk-size-kib", "256")
                .set("enrollflow.drive.retry-initial-interval", "200ms");
        Map<String, String> emails = new TreeMap<>();
        for (int i = 1; i <= TASKS; i++) {
            String id = String.format("d%02d", i);
            emails.put(id, "buyer" + i + "@example.com");
            redis.lpush(Fleet.QUEUE, aTask().id(id).orderId(Integer.toString(5000 + i)).email(emails.get(id)).json());
        }

        for (int kill = 1; kill <= KILLS; kill++) {
            Worker worker = fleet.start();
            worker.awaitReady(redis.client(), Duration.ofSeconds(60));
            int progress = kill * TASKS / (KILLS + 2);
            await(Duration.ofSeconds(120)).until(() -> count("completed") >= progress && inFlight() > 0);
            worker.kill9();
        }
        int completedBeforeTheLastTwo = (int) count("completed");
        List<Worker> lastTwo = List.of(fleet.start(), fleet.start());

        await(Duration.ofSeconds(180)).until(() -> count("completed") == TASKS);

        assertTrue(completedBeforeTheLastTwo < TASKS, "the kills came too late to leave work for the last two");
        assertTrue(flaky.fired() > 0, "no upload request was failed by the stand-in");
        List<Item> folders = drive.children(parent);
        assertEquals(TASKS, folders.size(), "task folders: " + folders.stream().map(Item::name).toList());
        Set<String> expectedNames = IntStream.rangeClosed(1, TASKS)
                .mapToObj(i -> (5000 + i) + " " + String.format("d%02d", i)).collect(Collectors.toSet());
        assertEquals(expectedNames, folders.stream().map(Item::name).collect(Collectors.toSet()), "folder names");
        List<String> problems = new ArrayList<>();
        for (Item folder : folders) {
            String id = folder.name().substring(folder.name().indexOf(' ') + 1);
            Map<String, String> tree = drive.tree(folder.id());
            if (!tree.keySet().equals(Set.of("Module 1/", "Module 1/intro.txt", "Module 2/", "Module 2/lesson.bin"))) {
                problems.add(id + " holds " + tree.keySet());
            }
            List<Grant> grants = drive.permissions(folder.id());
            if (grants.size() != 1 || !grants.get(0).emailAddress().equals(emails.get(id))) {
                problems.add(id + " is shared as " + grants);
            }
            if (!folder.webViewLink().equals(redis.hash(id).get("deliveryUrl"))) {
                problems.add(id + " has deliveryUrl " + redis.hash(id).get("deliveryUrl"));
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(TASKS * FILES_PER_TASK, drive.uploadsCompleted(), "files uploaded (each exactly once)");
        lastTwo.forEach(worker -> assertTrue(worker.alive(), worker.name() + " died:\n" + worker.log()));
    }

    private long count(String status) {
        return IntStream.rangeClosed(1, TASKS).mapToObj(i -> redis.hash(String.format("d%02d", i)).get("status"))
                .filter(status::equals).count();
    }

    private long inFlight() {
        return count("downloading") + count("uploading");
    }

    private static org.awaitility.core.ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO);
    }
}

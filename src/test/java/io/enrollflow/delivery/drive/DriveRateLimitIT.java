package io.enrollflow.delivery.drive;

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

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drive's per-user write rate absorbed inside the delivery (docs/contract.md §5): a course of 100 lectures with their
 * subtitles against a Drive that allows 5 creates a second after a burst of 10, as a real account does, answering
 * {@code 403 userRateLimitExceeded} past it.
 */
class DriveRateLimitIT {

    /** 200 files and 6 folders at 5 a second take 40 s at best; two shared cores make it longer. */
    private static final Duration WAIT = Duration.ofMinutes(5);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);
    @TempDir
    Path tmp;

    private DriveStandIn drive;

    @BeforeEach
    void startDriveWithTheCreateRateOfARealAccount() throws Exception {
        drive = DriveStandIn.start();
        drive.createRate(5, 10);
        pipeline.set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(tmp.resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", drive.createFolder(null, "Deliveries"))
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.parallel-uploads", "4")
                .set("enrollflow.drive.retry-initial-interval", "200ms")
                .set("enrollflow.enroll.timeout", "60s")
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

    @Test
    void aCourseOf200FilesCompletesOnItsFirstAttemptWithTheRefusalsAnsweredAlongTheWay() throws Exception {
        Script course = pipeline.scripts().custom("course", """
                i=1
                while [ $i -le 100 ]; do
                  section="Section $(( (i - 1) / 20 + 1 ))"
                  name=$(printf '%03d Lecture' $i)
                  mkdir -p "$section"
                  head -c $(( 2000 + i )) /dev/urandom > "$section/$name.mp4"
                  printf 'WEBVTT\\n\\n00:00.000 --> 00:01.000\\nLecture %d\\n' $i > "$section/$name.en.vtt"
                  i=$(( i + 1 ))
                done
                """);
        pipeline.downloadCommand(course.command()).start();
        Tasks task = aTask();

        pipeline.push(task);
        Map<String, String> status = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals("1", status.get("attempts"), "completed on its first attempt: " + status);
        assertTrue(drive.createsRefused() > 0, "Drive refused creates along the way");
        assertEquals(localTree(pipeline.taskDir(task.taskId())), drive.tree(status.get(DriveDelivery.FOLDER_ID_FIELD)),
                "every file there with its bytes");
        assertEquals(200, drive.uploadsCompleted(), "each file uploaded once");
        Map<String, Long> copies = drive.everything().stream().filter(i -> !i.isFolder())
                .collect(Collectors.groupingBy(Item::name, Collectors.counting()));
        assertEquals(Map.of(), copies.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "no name twice");
        assertEquals(200, copies.size());
        assertEquals(Map.of(), drive.everything().stream().filter(Item::trashed)
                .collect(Collectors.toMap(Item::name, Function.identity())), "nothing replaced");
    }
}

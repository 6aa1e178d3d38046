package io.enrollflow.delivery.drive;

import io.enrollflow.config.Settings;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.task.Task;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.delivery.drive.DriveDeliveryIT.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror's rule (docs/contract.md §5) on a delivery done twice, the way a file taken while the download ran meets
 * the delivery after it: a file that changed after its upload is replaced even at the same size, a file written again
 * with the same bytes is not sent twice, and what enrollflow sent that the download no longer has goes to the trash.
 */
class DriveMirrorIT {

    @TempDir
    Path tmp;

    private DriveStandIn drive;
    private CamelContext camel;
    private DriveDelivery delivery;
    private final MemoryState state = new MemoryState();
    private Path dir;

    @BeforeEach
    void startDriveAndCamel() throws Exception {
        drive = DriveStandIn.start();
        String parentId = drive.createFolder(null, "Deliveries");
        camel = new DefaultCamelContext();
        camel.start();
        Map<String, String> values = new HashMap<>();
        values.put("enrollflow.drive.service-account-key", drive.writeKeyFile(tmp.resolve("key.json")).toString());
        values.put("enrollflow.drive.parent-folder-id", parentId);
        values.put("enrollflow.drive.root-url", drive.rootUrl());
        values.put("enrollflow.drive.retry-initial-interval", "10ms");
        values.put("enrollflow.drive.retry-max-elapsed", "2s");
        delivery = DriveDelivery.create(Settings.load(null, Map.of()).with(values), camel);
        dir = tmp.resolve("task");
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        drive.close();
    }

    private static Task task() {
        return new Task("39", "1007", "https://courses.example.com/course/java-101/", "buyer@example.com", 720, "{}",
                Map.of());
    }

    private String folder() {
        return state.get(DriveDelivery.FOLDER_ID_FIELD).orElseThrow();
    }

    @Test
    void aFileChangedAfterItsUploadIsReplacedEvenAtTheSameSize() throws Exception {
        Path lecture = write(dir.resolve("Module 1/01 Intro.mp4"), 50_000);
        delivery.deliver(task(), dir, state);
        Item first = drive.children(drive.findFolder(folder(), "Module 1").orElseThrow().id()).get(0);
        // the tool rewrote the lecture: other bytes, the same size, a later time
        Files.write(lecture, new byte[50_000]);
        Files.setLastModifiedTime(lecture, FileTime.fromMillis(Files.getLastModifiedTime(lecture).toMillis() + 5_000));

        delivery.deliver(task(), dir, state);

        assertEquals(localTree(dir), drive.tree(folder()), "Drive holds the new bytes");
        assertTrue(drive.item(first.id()).orElseThrow().trashed(), "the copy sent before the change is in the trash");
        assertEquals(2, drive.uploadsCompleted());
    }

    @Test
    void aFileWrittenAgainWithTheSameBytesIsNotSentTwice() throws Exception {
        Path lecture = write(dir.resolve("01 Intro.mp4"), 50_000);
        delivery.deliver(task(), dir, state);
        byte[] same = Files.readAllBytes(lecture);
        Files.write(lecture, same);
        Files.setLastModifiedTime(lecture, FileTime.fromMillis(Files.getLastModifiedTime(lecture).toMillis() + 5_000));

        delivery.deliver(task(), dir, state);

        assertEquals(1, drive.uploadsCompleted(), "Drive's MD5 is the file's: nothing changed but the time");
        assertEquals(localTree(dir), drive.tree(folder()));
    }

    @Test
    void whatEnrollflowSentThatTheDownloadNoLongerHasGoesToTheTrash() throws Exception {
        write(dir.resolve("01 Intro.f137.mp4"), 20_000);
        write(dir.resolve("scratch/x.bin"), 10);
        write(dir.resolve("02 Setup.mp4"), 30_000);
        delivery.deliver(task(), dir, state);
        // the tool merged its streams into the lecture and removed them, and its scratch folder
        Files.delete(dir.resolve("01 Intro.f137.mp4"));
        Files.delete(dir.resolve("scratch/x.bin"));
        Files.delete(dir.resolve("scratch"));
        write(dir.resolve("01 Intro.mp4"), 40_000);

        delivery.deliver(task(), dir, state);

        assertEquals(localTree(dir), drive.tree(folder()));
        assertEquals(List.of(), drive.children(folder()).stream().filter(i -> i.name().contains("f137")).toList());
    }

    @Test
    void aFilePutInTheTaskFolderByHandIsLeftAlone() throws Exception {
        write(dir.resolve("01 Intro.mp4"), 1_000);
        delivery.deliver(task(), dir, state);
        String byHand = drive.createFolder(folder(), "Bonus from the teacher");

        delivery.deliver(task(), dir, state);

        assertTrue(drive.item(byHand).isPresent() && !drive.item(byHand).orElseThrow().trashed(),
                "only what carries enrollflow's mark is removed");
    }
}

package io.enrollflow.delivery.folder;

import io.enrollflow.delivery.DeliveryState;
import io.enrollflow.download.TaskTree;
import io.enrollflow.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FolderDeliveryTest {

    private static final DeliveryState NO_STATE = new DeliveryState() {
        @Override
        public Optional<String> get(String field) {
            return Optional.empty();
        }

        @Override
        public void put(String field, String value) {
        }
    };

    @TempDir
    Path dir;

    private static Task task(String id) {
        return new Task(id, "", "https://courses.example.com/c/", "b@example.com", 720, "{}", Map.of());
    }

    private Path downloaded(String id, String content) throws Exception {
        Path taskDir = Files.createDirectories(dir.resolve("work/" + id + "/Module 1"));
        Files.writeString(taskDir.resolve("lesson.txt"), content);
        return dir.resolve("work/" + id);
    }

    @Test
    void aPartialCopyLeftByACrashIsReplacedByTheWholeTree() throws Exception {
        Path root = dir.resolve("delivered");
        Path stale = Files.createDirectories(root.resolve(".39.partial/Module 1"));
        Files.writeString(stale.resolve("half.txt"), "cut off");

        String url = new FolderDelivery(root).deliver(task("39"), downloaded("39", "whole"), NO_STATE);

        assertEquals(root.resolve("39").toUri().toString(), url);
        assertEquals("whole", Files.readString(root.resolve("39/Module 1/lesson.txt")));
        assertFalse(Files.exists(root.resolve("39/Module 1/half.txt")), "nothing of the partial copy is delivered");
        assertFalse(Files.exists(root.resolve(".39.partial")), "the partial copy is gone");
    }

    @Test
    void theTreeTheDeliveryStepWalkedIsTakenNotWalkedAgain() throws Exception {
        Path root = dir.resolve("delivered");
        Path taskDir = downloaded("40", "lesson");
        TaskTree walked = TaskTree.scan(taskDir);
        // written after the step's walk: a copy made from the walked tree does not see it
        Files.writeString(taskDir.resolve("Module 1/later.txt"), "later");

        new FolderDelivery(root).deliver(task("40"), taskDir, walked, NO_STATE);

        assertEquals("lesson", Files.readString(root.resolve("40/Module 1/lesson.txt")));
        assertFalse(Files.exists(root.resolve("40/Module 1/later.txt")), "copied from the tree it was given");
    }

    @Test
    void aTaskDeliveredAgainKeepsItsCompleteFolder() throws Exception {
        Path root = dir.resolve("delivered");
        FolderDelivery delivery = new FolderDelivery(root);
        delivery.deliver(task("40"), downloaded("40", "first"), NO_STATE);

        delivery.deliver(task("40"), downloaded("40", "second"), NO_STATE);

        assertEquals("first", Files.readString(root.resolve("40/Module 1/lesson.txt")));
        assertEquals(1, Files.list(root).count(), "one folder, no partial copy");
    }

    @Test
    void aTaskFolderThatMayBeGivenUpIsRenamedIntoPlaceNotCopied() throws Exception {
        Path root = dir.resolve("delivered");
        Path taskDir = downloaded("41", "whole");
        Object file = Files.readAttributes(taskDir.resolve("Module 1/lesson.txt"), BasicFileAttributes.class).fileKey();

        String url = new FolderDelivery(root, true).deliver(task("41"), taskDir, NO_STATE);

        assertEquals(root.resolve("41").toUri().toString(), url);
        Path delivered = root.resolve("41/Module 1/lesson.txt");
        assertEquals("whole", Files.readString(delivered));
        assertEquals(file, Files.readAttributes(delivered, BasicFileAttributes.class).fileKey(), "the same file, not a copy");
        assertFalse(Files.exists(taskDir), "the task folder itself moved");
        assertEquals(1, Files.list(root).count(), "no partial copy");
    }

    @Test
    void aTaskFolderToKeepIsCopiedAndStays() throws Exception {
        Path root = dir.resolve("delivered");
        Path taskDir = downloaded("42", "kept");

        new FolderDelivery(root, false).deliver(task("42"), taskDir, NO_STATE);

        assertEquals("kept", Files.readString(root.resolve("42/Module 1/lesson.txt")));
        assertEquals("kept", Files.readString(taskDir.resolve("Module 1/lesson.txt")), "the task folder is kept");
    }

    @Test
    void aTaskAlreadyDeliveredKeepsItsFolderWhenTheNewTaskFolderMayMove() throws Exception {
        Path root = dir.resolve("delivered");
        FolderDelivery delivery = new FolderDelivery(root, true);
        delivery.deliver(task("43"), downloaded("43", "first"), NO_STATE);

        delivery.deliver(task("43"), downloaded("43", "second"), NO_STATE);

        assertEquals("first", Files.readString(root.resolve("43/Module 1/lesson.txt")));
    }
}

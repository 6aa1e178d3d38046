package io.enrollflow.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §5: only regular files and folders of a task folder are delivered; the rest is named, safely. */
class TaskTreeTest {

    @TempDir
    Path dir;

    @Test
    void regularFilesAndFoldersAreKeptAndLinksAreLeftOutWithoutBeingFollowed(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.json"), "key");
        Files.createDirectories(dir.resolve("Module 1"));
        Files.writeString(dir.resolve("Module 1/lesson.txt"), "lesson");
        Files.createSymbolicLink(dir.resolve("notes.pdf"), outside.resolve("secret.json"));
        Files.createSymbolicLink(dir.resolve("Module 1/lib"), outside);

        TaskTree tree = TaskTree.scan(dir);

        assertEquals(List.of(Path.of("Module 1")), tree.folders());
        assertEquals(List.of(new TaskTree.Entry(Path.of("Module 1/lesson.txt"), "file", 6,
                Files.getLastModifiedTime(dir.resolve("Module 1/lesson.txt")).toMillis())), tree.files());
        assertEquals(2, tree.leftOut().size());
        assertTrue(tree.leftOutNote().startsWith("left out 2 entries that are not a regular file or folder"), tree.leftOutNote());
        assertTrue(tree.leftOutNote().contains("notes.pdf (link)") && tree.leftOutNote().contains("Module 1/lib (link)"));
    }

    @Test
    void aLeftOutNameCannotForgeALogLine() throws Exception {
        Files.createSymbolicLink(dir.resolve("x\ntask=1 outcome=completed\u001b[2J"), Path.of("/etc/hostname"));

        String note = TaskTree.scan(dir).leftOutNote();

        assertEquals("left out 1 entry that is not a regular file or folder (links, FIFOs, sockets, devices): "
                + "x\\u000atask=1 outcome=completed\\u001b[2J (link)", note);
    }

    @Test
    void aMissingFolderIsAnEmptyTree() throws Exception {
        TaskTree tree = TaskTree.scan(dir.resolve("none"));

        assertTrue(tree.folders().isEmpty() && tree.files().isEmpty() && tree.leftOut().isEmpty() && !tree.hasFile());
    }

    @Test
    void aLinkOrAFileInPlaceOfTheFolderIsAnEmptyTree(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.json"), "key");
        Path link = Files.createSymbolicLink(dir.resolve("task-link"), outside);
        Path file = Files.writeString(dir.resolve("task-file"), "not a folder");

        for (Path taskDir : List.of(link, file)) {
            TaskTree tree = TaskTree.scan(taskDir);
            assertTrue(tree.folders().isEmpty() && tree.files().isEmpty() && tree.leftOut().isEmpty(), taskDir.toString());
        }
    }
}

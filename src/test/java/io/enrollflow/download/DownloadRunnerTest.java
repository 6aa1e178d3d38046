package io.enrollflow.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Exit 0 with at least one file in the task folder" (CONTRACT §5): what counts as a file. */
class DownloadRunnerTest {

    @TempDir
    Path dir;

    @Test
    void foldersWithoutAFileAreNoDownload() throws Exception {
        Files.createDirectories(dir.resolve("Module 1/Lesson 1"));
        Files.createDirectories(dir.resolve("Module 2"));

        assertFalse(DownloadRunner.hasFile(dir));
    }

    @Test
    void aFileDeepInTheTreeIsADownload() throws Exception {
        Files.createDirectories(dir.resolve("Module 1/Lesson 1"));
        Path deep = Files.createDirectories(dir.resolve("Module 2/Lesson 4"));
        Files.writeString(deep.resolve("video.mp4"), "frames");

        assertTrue(DownloadRunner.hasFile(dir));
    }

    @Test
    void aLinkToAFileCountsButALinkToAFolderIsNotFollowed(@TempDir Path elsewhere) throws Exception {
        Files.writeString(elsewhere.resolve("outside.txt"), "not in the task folder");
        Path task = Files.createDirectories(dir.resolve("task"));
        Files.createSymbolicLink(task.resolve("linked-folder"), elsewhere);

        assertFalse(DownloadRunner.hasFile(task), "a file reached only through a folder link is not the task's");

        Files.createSymbolicLink(task.resolve("notes.txt"), elsewhere.resolve("outside.txt"));
        assertTrue(DownloadRunner.hasFile(task));
    }
}

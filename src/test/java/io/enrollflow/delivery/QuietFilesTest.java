package io.enrollflow.delivery;

import io.enrollflow.download.TaskTree;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files the download seems done with while it runs (docs/contract.md §5). */
class QuietFilesTest {

    private static final long SECOND = 1_000_000_000L;
    private final QuietFiles quiet = new QuietFiles(Duration.ofSeconds(2));

    private static TaskTree tree(TaskTree.Entry... files) {
        return new TaskTree(List.of(), List.of(files), List.of());
    }

    private static TaskTree.Entry file(String path, long size, long modified) {
        return new TaskTree.Entry(Path.of(path), "file", size, modified);
    }

    private static List<String> names(List<TaskTree.Entry> files) {
        return files.stream().map(f -> f.path().toString()).toList();
    }

    @Test
    void aFileIsTakenOnceItHasNotChangedForTheQuietPeriod() {
        TaskTree walk = tree(file("01 Intro.mp4", 100, 7));

        assertEquals(List.of(), quiet.settled(walk, 0));
        assertEquals(List.of(), quiet.settled(walk, SECOND));
        assertEquals(List.of("01 Intro.mp4"), names(quiet.settled(walk, 2 * SECOND)));
    }

    @Test
    void aFileThatGrowsOrIsTouchedStartsItsQuietPeriodAgain() {
        quiet.settled(tree(file("a.mp4", 100, 7)), 0);
        quiet.settled(tree(file("a.mp4", 200, 8)), SECOND);
        assertEquals(List.of(), quiet.settled(tree(file("a.mp4", 200, 8)), 2 * SECOND), "grew a second ago");
        quiet.settled(tree(file("a.mp4", 200, 9)), 3 * SECOND);
        assertEquals(List.of(), quiet.settled(tree(file("a.mp4", 200, 9)), 4 * SECOND), "touched a second ago");

        assertEquals(List.of("a.mp4"), names(quiet.settled(tree(file("a.mp4", 200, 9)), 5 * SECOND)));
    }

    @Test
    void aFileIsHandedOutOnceAndAgainOnlyAfterItChangedAndSettled() {
        TaskTree walk = tree(file("a.mp4", 100, 7));
        quiet.settled(walk, 0);
        assertEquals(1, quiet.settled(walk, 2 * SECOND).size());

        assertEquals(List.of(), quiet.settled(walk, 9 * SECOND));
        quiet.settled(tree(file("a.mp4", 100, 8)), 10 * SECOND);
        assertEquals(List.of("a.mp4"), names(quiet.settled(tree(file("a.mp4", 100, 8)), 12 * SECOND)));
    }

    @Test
    void aFileThatTookThePlaceOfItsPartIsTakenAtOnce() {
        quiet.settled(tree(file("01 Intro.mp4.part", 100, 7), file("02 Setup.mp4.part", 50, 7)), 0);

        List<TaskTree.Entry> settled = quiet.settled(tree(file("01 Intro.mp4", 100, 7), file("02 Setup.mp4.part", 60, 8)),
                SECOND / 2);

        assertEquals(List.of("01 Intro.mp4"), names(settled), "the tool renamed it: complete by its own word");
        assertEquals(List.of(), quiet.settled(tree(file("01 Intro.mp4", 100, 7), file("02 Setup.mp4.part", 60, 8)),
                3 * SECOND), "handed out once");
    }

    @Test
    void aFileThatAppearsBesideAPartStillThereWaitsForTheQuietPeriod() {
        quiet.settled(tree(file("a.mp4.part", 100, 7)), 0);

        assertEquals(List.of(), quiet.settled(tree(file("a.mp4", 1, 7), file("a.mp4.part", 100, 7)), SECOND / 2));
        assertEquals(List.of("a.mp4"), names(quiet.settled(tree(file("a.mp4", 1, 7), file("a.mp4.part", 100, 7)),
                3 * SECOND)));
    }

    @Test
    void temporariesAreNeverTaken() {
        TaskTree walk = tree(file("01 Intro.mp4.part", 100, 7), file("b.tmp", 1, 1), file("c.mp4.aria2", 1, 1),
                file("d.mp4.ytdl", 1, 1), file("e.crdownload", 1, 1), file("f.mp4.part-Frag12", 1, 1),
                file("g.f137.mp4", 1, 1), file("g.temp.mp4", 1, 1), file("h.PART", 1, 1));

        quiet.settled(walk, 0);

        assertEquals(List.of(), quiet.settled(walk, 10 * SECOND));
    }

    @Test
    void aFileWithAToolsControlFileBesideItIsStillBeingWritten() {
        TaskTree walk = tree(file("s/lecture.mp4", 100, 7), file("s/lecture.mp4.aria2", 1, 1), file("s/notes.pdf", 5, 5));

        quiet.settled(walk, 0);

        assertEquals(List.of("s/notes.pdf"), names(quiet.settled(walk, 10 * SECOND)));
    }

    @Test
    void aFileInAFolderWhoseNameLooksTemporaryIsNotTaken() {
        TaskTree walk = tree(file("merge.tmp/part1.mp4", 100, 7));

        quiet.settled(walk, 0);

        assertEquals(List.of(), quiet.settled(walk, 10 * SECOND));
    }

    @Test
    void aLectureNamedLikeAnyOtherIsNotATemporary() {
        assertFalse(QuietFiles.looksTemporary("01 Part one.mp4"));
        assertFalse(QuietFiles.looksTemporary("partial.pdf"));
        assertTrue(QuietFiles.looksTemporary("01 Part one.mp4.part"));
    }
}

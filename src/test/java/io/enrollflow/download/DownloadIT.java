package io.enrollflow.download;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.Processes;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §5: the download command's outcomes, its log and task folder, and delivery to a folder. */
class DownloadIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    @TempDir
    Path tmp;

    @Test
    void downloadedTreeIsDeliveredByteForByteUnderTheTaskId() throws Exception {
        Path course = writeCourseTree(tmp.resolve("course"));
        pipeline.downloadCommand(pipeline.scripts().copiesTree(course).command()).start();
        pipeline.push(aTask().id("39"));

        Map<String, String> status = pipeline.awaitCompleted("39");

        Path delivered = pipeline.delivered("39");
        SortedMap<String, byte[]> expected = contents(course);
        SortedMap<String, byte[]> actual = contents(delivered);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((file, bytes) -> assertArrayEquals(bytes, actual.get(file), file));
        assertEquals(delivered.toUri().toString(), status.get("deliveryUrl"));
    }

    @Test
    void taskFolderIsRemovedAfterDelivery() throws Exception {
        pipeline.start();
        pipeline.push(aTask().id("40"));

        pipeline.awaitCompleted("40");

        assertFalse(Files.exists(pipeline.taskDir("40")));
        assertTrue(Files.isRegularFile(pipeline.delivered("40").resolve(DownloadScripts.COURSE_FILE)));
    }

    @Test
    void taskFolderIsKeptWhenAskedTo() throws Exception {
        pipeline.set("enrollflow.download.keep", "true").start();
        pipeline.push(aTask().id("41"));

        pipeline.awaitCompleted("41");

        assertEquals(DownloadScripts.COURSE_TEXT, Files.readString(pipeline.taskDir("41").resolve(DownloadScripts.COURSE_FILE)));
    }

    @Test
    void logFileHoldsTheCommandsOutput() throws Exception {
        pipeline.downloadCommand(pipeline.scripts().writesCourse().command()).start();
        Tasks task = aTask().id("42");
        pipeline.push(task);

        pipeline.awaitCompleted("42");

        String log = Files.readString(pipeline.logFile("42"));
        assertTrue(log.contains("downloaded " + task.courseUrl()), log);
    }

    @Test
    void notEnrolledOnceEnrollsAgainAndCompletes() throws Exception {
        Script download = pipeline.scripts().saysNotEnrolled(1);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitCompleted(task.taskId());

        assertEquals(2, api.calls(task.courseUrl()));
        assertEquals(2, download.calls());
        assertEquals("1", status.get("attempts"));
    }

    @Test
    void notEnrolledTwiceFailsAsNotEnrolledWithTheLogTail() throws Exception {
        Script download = pipeline.scripts().saysNotEnrolled(2);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("not_enrolled", status.get("reason"));
        assertEquals(2, api.calls(task.courseUrl()));
        assertEquals(2, download.calls());
        JsonNode record = pipeline.deadLetter(task.taskId());
        assertEquals("download", record.path("stage").asText());
        assertEquals("not_enrolled", record.path("reason").asText());
        assertTrue(record.path("log").asText().contains(DownloadScripts.NOT_ENROLLED_LINE), record.toString());
    }

    @Test
    void nonZeroExitIsRetriedThenFailsAsDownloadFailed() throws Exception {
        Script download = pipeline.scripts().exits(3);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("download_failed", status.get("reason"));
        assertEquals("download", status.get("stage"));
        assertEquals("3", status.get("attempts"));
        assertEquals(3, download.calls());
        JsonNode record = pipeline.deadLetter(task.taskId());
        assertTrue(record.path("message").asText().contains("3"), record.toString());
        assertTrue(record.path("log").asText().contains("fatal: the course server hung up"), record.toString());
    }

    @Test
    void exitZeroWithoutAFileIsRetriedThenFailsAsDownloadFailed() throws Exception {
        Script download = pipeline.scripts().writesNothing();
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("download_failed", status.get("reason"));
        assertEquals(3, download.calls());
        assertFalse(Files.exists(pipeline.delivered(task.taskId())));
    }

    @Test
    void downloadPastTheTimeoutIsKilledWithItsWholeTreeThenFailsAsDownloadTimeout() throws Exception {
        Script download = pipeline.scripts().hangs();
        pipeline.downloadCommand(download.command())
                .set("enrollflow.download.timeout", "1s")
                .set("enrollflow.retry.max-attempts", "2")
                .start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitFailed(task.taskId());

        assertEquals("download_timeout", status.get("reason"));
        assertEquals("2", status.get("attempts"));
        List<Long> pids = download.pids();
        assertEquals(4, pids.size(), "the script and its child, twice: " + pids);
        Pipeline.await(java.time.Duration.ofSeconds(5)).until(() -> pids.stream().noneMatch(Processes::isRunning));
    }

    @Test
    void taskFolderIsKeptAcrossAttemptsSoToolsMayResume() throws Exception {
        Script download = pipeline.scripts().custom("resumes", """
                if [ -f "$1/part-1" ]; then
                  mkdir -p "$1/Module 1" && printf 'resumed\\n' > "$1/Module 1/intro.txt"
                  exit 0
                fi
                printf 'half\\n' > "$1/part-1"
                echo "connection reset, 50% done"
                exit 1
                """);
        pipeline.downloadCommand(download.command()).start();
        Tasks task = aTask();
        pipeline.push(task);

        Map<String, String> status = pipeline.awaitCompleted(task.taskId());

        assertEquals("2", status.get("attempts"));
        assertEquals("half\n", Files.readString(pipeline.delivered(task.taskId()).resolve("part-1")));
    }

    @Test
    void placeholderInsideAWordOfTheCommandStaysInThatWord() throws Exception {
        Script download = pipeline.scripts().recordsArgv();
        pipeline.downloadCommand(download.commandWith("'--url=${courseUrl}' \"--name=${orderId} ${taskId}\" -o ${taskDir}/out"))
                .start();
        pipeline.push(aTask().id("102").orderId("A 7").courseUrl("https://courses.example.com/a?b=1&c=$HOME"));

        pipeline.awaitCompleted("102");

        assertEquals(List.of("--url=https://courses.example.com/a?b=1&c=$HOME", "--name=A 7 102",
                "-o", pipeline.taskDir("102") + "/out"), download.argv());
    }

    /** A small course: nested folders, a name with spaces, an empty file, binary content. */
    private static Path writeCourseTree(Path root) throws Exception {
        Random random = new Random(39);
        byte[] video = new byte[300_000];
        random.nextBytes(video);
        Files.createDirectories(root.resolve("Module 1/Lesson A"));
        Files.createDirectories(root.resolve("Module 2"));
        Files.write(root.resolve("Module 1/Lesson A/01 intro video.mp4"), video);
        Files.writeString(root.resolve("Module 1/notes.md"), "# Notes\nünïcödé ✓\n");
        Files.write(root.resolve("Module 2/empty.txt"), new byte[0]);
        Files.writeString(root.resolve("README with spaces.txt"), "read me\n");
        return root;
    }

    private static SortedMap<String, byte[]> contents(Path root) throws Exception {
        SortedMap<String, byte[]> files = new TreeMap<>();
        assertNotNull(root);
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}

package io.enrollflow.limit;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.ConsoleClient;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The disk guard (docs/contract.md §5) on a real small file system: the work directory on a 20 MiB tmpfs mounted for
 * each test (the tests run as root in CI). A task waits at {@code enrollflow.download.min-free} without using an
 * attempt and starts once space is freed, while the health check and the console say so; a download that meets "No
 * space left on device" is retried, not failed.
 */
class DiskSpaceIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "disk-test-token-51c0e7a94b2d";

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);
    @TempDir
    Path tmp;

    private Path disk;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        disk = Files.createDirectories(tmp.resolve("disk"));
        run("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", disk.toString());
        pipeline.set("enrollflow.download.work-dir", disk.resolve("work").toString());
    }

    @AfterEach
    void unmount() throws Exception {
        pipeline.stop();
        run("umount", disk.toString());
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, process.waitFor(), String.join(" ", command));
    }

    private void fill(Path file, long bytes) throws Exception {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block); // written, not sparse: tmpfs counts only what is written
            }
        }
    }

    @Test
    void aTaskWaitsAtMinFreeWithoutUsingAnAttemptAndStartsOnceSpaceIsFreed() throws Exception {
        Path filler = disk.resolve("filler");
        fill(filler, 15L << 20);
        int port = BundledRedis.freePort();
        pipeline.set("enrollflow.download.min-free", "10MiB").set("enrollflow.management.port", Integer.toString(port))
                .set("enrollflow.management.token", TOKEN).start();
        Http http = new Http(port);
        ConsoleClient console = new ConsoleClient(port);
        String session = console.session(TOKEN);
        Tasks task = aTask();

        pipeline.push(task);
        Pipeline.await(WAIT).until(() -> pipeline.status(task.taskId()).getOrDefault("message", "")
                .startsWith("waiting for disk space: "));
        String message = pipeline.status(task.taskId()).get("message");
        assertTrue(message.endsWith(" bytes free, " + (10L << 20) + " needed"), message);
        assertEquals(0, pipeline.download().calls(), "no download started");
        // the operator sees why: the health check's detail (not unhealthy: a restart frees no space), the console's card
        Pipeline.await(WAIT).until(() -> "DOWN".equals(diskCheck(http).path("status").asText()));
        Http.Answer health = http.get("/observe/health");
        assertEquals(200, health.status(), "a full disk is reported, not unready");
        assertTrue(diskCheck(http).path("detail").asText().endsWith(" bytes free, " + (10L << 20)
                + " needed (enrollflow.download.min-free); downloads wait until space is freed"), health.body());
        Pipeline.await(WAIT).until(() -> console.get("/", session).body().contains("class=\"value bad\" id=\"work-disk-free\""));
        assertTrue(console.get("/", session).body().contains("downloads wait on "));

        Files.delete(filler);
        Map<String, String> done = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals("1", done.get("attempts"), "the wait used no attempt");
        assertEquals(1, pipeline.download().calls());
        Pipeline.await(WAIT).until(() -> "UP".equals(diskCheck(http).path("status").asText()));
        assertEquals(10L << 20, diskCheck(http).path("minFreeBytes").asLong());
        assertTrue(diskCheck(http).path("freeBytes").asLong() >= 10L << 20);
        Pipeline.await(WAIT).until(() -> console.get("/", session).body().contains("class=\"value\" id=\"work-disk-free\""));
    }

    private static JsonNode diskCheck(Http http) {
        return http.get("/observe/health").json().path("checks").path("disk");
    }

    @Test
    void aDownloadThatFillsTheDiskIsRetriedNotFailed() throws Exception {
        pipeline.set("enrollflow.download.min-free", "1MiB")
                .set("enrollflow.retry.max-attempts", "3")
                .downloadCommand(pipeline.scripts().custom("fills-disk",
                        "if [ ! -f \"$SCRIPT_DIR/filled\" ]; then\n"
                                + "  touch \"$SCRIPT_DIR/filled\"\n"
                                + "  dd if=/dev/zero of=\"$1/part.bin\" bs=1M count=40 || exit 1\n"
                                + "fi\n"
                                + "rm -f \"$1/part.bin\"\nprintf 'the course\\n' > \"$1/lesson.txt\"\n").command())
                .start();
        Tasks task = aTask();

        pipeline.push(task);
        Map<String, String> done = pipeline.awaitStatus(task.taskId(), "completed", WAIT);

        assertEquals("2", done.get("attempts"), "the full disk cost one attempt, and the next one completed");
        assertTrue(redis.list(RedisExtension.TASK_PREFIX + task.taskId() + ":history").stream()
                .anyMatch(entry -> entry.contains("\"retrying\"")), "the full disk was a retry");
        assertFalse(redis.deadLetterIds().contains(task.taskId()));
    }
}

package io.enrollflow.delivery.drive;

import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Fault;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The built jar ({@code java -jar enrollflow.jar run}) in a second JVM, configured by environment variables only
 * (docs/contract.md §1), delivering to {@link DriveStandIn} (docs/contract.md §5): exactly-once delivery, a large file in a small heap, a start-up error.
 */
class DriveJarIT {

    /** Generous: two cores, and other builds may be running. */
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final long BIG = 300L * 1024 * 1024;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    static Path jarDir;
    @TempDir
    Path tmp;

    /** A copy of the built jar: other builds sharing target/ may rewrite it while a test's JVM runs from it. */
    private static Path builtJar;

    private DriveStandIn drive;
    private String parentId;
    private DownloadScripts scripts;
    private final List<EnrollflowJar.Running> started = new ArrayList<>();

    @BeforeAll
    static void copyTheBuiltJar() throws IOException {
        builtJar = Files.copy(Path.of(System.getProperty("enrollflow.jar")), jarDir.resolve("enrollflow.jar"));
    }

    @BeforeEach
    void startDrive() throws IOException {
        drive = DriveStandIn.start();
        parentId = drive.createFolder(null, "Deliveries");
        scripts = new DownloadScripts(tmp.resolve("scripts"));
    }

    @AfterEach
    void stopJarsThenDrive() throws InterruptedException {
        try {
            for (EnrollflowJar.Running process : started) {
                process.terminate(); // SIGTERM: a graceful stop
                if (process.exitCode(Duration.ofSeconds(60)).isEmpty()) {
                    process.kill();
                }
            }
        } finally {
            drive.close();
        }
    }

    // ---- delivery

    @Test
    void deliversEveryTasksTreeExactlyOnceSharedWithTheBuyerEvenWhenEveryFifthUploadRequestFails() throws Exception {
        Fault everyFifth = drive.inject(Fault.status(503, "backendError")
                .on(Call.UPLOAD_START, Call.UPLOAD_CHUNK, Call.UPLOAD_MULTIPART).every(5));
        Script download = scripts.custom("course", """
                mkdir -p "$1/Module 1"
                head -c 700000 /dev/urandom > "$1/Module 1/01 Intro.mp4"
                head -c 20000 /dev/urandom > "$1/Module 1/02 Notes.pdf"
                printf 'course for order %s, task %s\\n' "$4" "$3" > "$1/README.txt"
                """);
        Map<String, String> env = environment(download);
        env.put("ENROLLFLOW_DOWNLOAD_KEEP", "true"); // the local trees, to compare with Drive's
        env.put("ENROLLFLOW_DRIVE_CHUNK_SIZE_KIB", "256"); // several chunks per video
        Jar jar = startJar(env, "-Xmx256m");
        List<Tasks> tasks = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            tasks.add(aTask().id("jar-" + i).orderId("20" + i).email("buyer" + i + "@example.com"));
        }

        tasks.forEach(task -> redis.lpush(Pipeline.QUEUE, task.json()));

        for (int i = 1; i <= tasks.size(); i++) {
            Tasks task = tasks.get(i - 1);
            Map<String, String> status = jar.awaitStatus(task.taskId(), "completed");
            List<Item> folders = drive.findFolders(parentId, "20" + i + " " + task.taskId());
            assertEquals(1, folders.size(), task.taskId() + ": " + drive.children(parentId));
            Item folder = folders.get(0);
            assertEquals(folder.webViewLink(), status.get("deliveryUrl"));
            assertEquals(localTree(workDir().resolve(task.taskId())), drive.tree(folder.id()), task.taskId());
            List<Grant> grants = drive.permissions(folder.id());
            assertEquals(List.of(new Grant(grants.get(0).id(), "user", "reader", "buyer" + i + "@example.com", false)),
                    grants, task.taskId());
        }
        assertEquals(8, drive.children(parentId).size(), "one folder per task: " + drive.children(parentId));
        assertEquals(8 * 3, drive.uploadsCompleted(), "every file uploaded once");
        int uploadRequests = drive.requests(Call.UPLOAD_START) + drive.requests(Call.UPLOAD_CHUNK)
                + drive.requests(Call.UPLOAD_MULTIPART);
        assertEquals(uploadRequests / 5, everyFifth.fired(), "every fifth upload request failed");
        assertTrue(everyFifth.fired() >= 10, "faults: " + everyFifth.fired());
        assertEquals(List.of(), drive.requestsWithoutSupportsAllDrives());
        assertTrue(jar.process.isAlive(), jar.log());
    }

    @Test
    void a300MibFileArrivesWholeThroughAJvmLimitedToXmx96m() throws Exception {
        // random bytes, so nothing on the way can compress them; hashed before delivery starts
        Script download = scripts.custom("big", """
                head -c %d /dev/urandom > "$1/big.bin"
                sha256sum "$1/big.bin" | cut -d ' ' -f 1 > "$SCRIPT_DIR/big.sha256"
                """.formatted(BIG));
        Map<String, String> env = environment(download);
        env.put("ENROLLFLOW_DOWNLOAD_KEEP", "true");
        // an OutOfMemoryError anywhere ends the JVM, so surviving is the proof
        Jar jar = startJar(env, "-Xmx96m", "-XX:+ExitOnOutOfMemoryError");
        Tasks task = aTask().id("big-1").orderId("3001");

        redis.lpush(Pipeline.QUEUE, task.json());
        Map<String, String> status = jar.awaitStatus(task.taskId(), "completed");

        Item folder = drive.findFolder(parentId, "3001 big-1").orElseThrow();
        assertEquals(folder.webViewLink(), status.get("deliveryUrl"));
        List<Item> files = drive.children(folder.id());
        assertEquals(1, files.size(), files.toString());
        assertEquals(BIG, files.get(0).size());
        String hashedBeforeDelivery = download.file("sha256").trim();
        assertEquals(hashedBeforeDelivery, drive.sha256(files.get(0).id()), "the bytes Drive holds");
        assertEquals(hashedBeforeDelivery, DriveStandIn.sha256(workDir().resolve("big-1/big.bin")), "the local file");
        assertEquals(1, drive.requests(Call.UPLOAD_START), "one upload session");
        assertTrue(jar.process.isAlive(), jar.log());
        assertFalse(jar.log().contains("OutOfMemoryError"), jar.log());
    }

    // ---- start-up

    @Test
    void aMissingServiceAccountKeyStopsTheJarWithOneLineNamingTheSettingAndExitCode2() throws Exception {
        Map<String, String> env = environment(scripts.writesCourse());
        env.put("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", "/nonexistent");
        Jar jar = startJar(env);

        assertTrue(jar.process.exitCode(Duration.ofMinutes(2)).isPresent(), "still running:\n" + jar.log());

        assertEquals(2, jar.process.exitValue(), jar.log());
        List<String> stderr = Files.readAllLines(jar.stderr, StandardCharsets.UTF_8);
        List<String> naming = stderr.stream().filter(l -> l.contains("enrollflow.drive.service-account-key")).toList();
        assertEquals(List.of("enrollflow: configuration error: enrollflow.drive.service-account-key: no file at /nonexistent"),
                naming, jar.log());
        assertTrue(stderr.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.startsWith("Caused by")),
                "a stack trace:\n" + jar.log());
        assertEquals(0, drive.requestsTotal(), "nothing was sent to Drive");
    }

    // ---- helpers

    private Path workDir() {
        return tmp.resolve("work");
    }

    /** Everything the jar needs, as environment variables: Redis, enrollment, download, the stand-in, fast retries. */
    private Map<String, String> environment(Script download) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("ENROLLFLOW_REDIS_URL", redis.url());
        env.put("ENROLLFLOW_ENROLL_URL", api.url());
        env.put("ENROLLFLOW_DOWNLOAD_COMMAND", download.command());
        env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", workDir().toString());
        env.put("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", drive.writeKeyFile(tmp.resolve("key.json")).toString());
        env.put("ENROLLFLOW_DRIVE_PARENT_FOLDER_ID", parentId);
        env.put("ENROLLFLOW_DRIVE_ROOT_URL", drive.rootUrl());
        env.put("ENROLLFLOW_DRIVE_RETRY_INITIAL_INTERVAL", "100ms");
        env.put("ENROLLFLOW_MANAGEMENT_PORT", "0");
        env.put("ENROLLFLOW_WORKER_CONCURRENCY", "4");
        env.put("ENROLLFLOW_WORKER_SHUTDOWN_TIMEOUT", "5s");
        env.put("ENROLLFLOW_RETRY_MAX_ATTEMPTS", "5");
        env.put("ENROLLFLOW_RETRY_INITIAL_DELAY", "200ms");
        env.put("ENROLLFLOW_RETRY_MAX_DELAY", "1s");
        return env;
    }

    /**
     * {@code java <jvmArgs> -jar enrollflow.jar run} (the copy of the built jar) in a folder of its own with neither application.properties nor
     * routes/ (the jar's copies are used), with only these ENROLLFLOW_* variables in its environment.
     */
    private Jar startJar(Map<String, String> env, String... jvmArgs) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("jar-run"));
        EnrollflowJar.Running process = EnrollflowJar.in(dir).jar(builtJar).env(env).jvm(jvmArgs)
                .outputTo(dir.resolve("stdout.log"), dir.resolve("stderr.log")).start("run");
        started.add(process);
        return new Jar(process, dir.resolve("stderr.log"));
    }

    /** A running jar and its stderr file. */
    private record Jar(EnrollflowJar.Running process, Path stderr) {

        /** Both output streams, for failure messages. */
        String log() {
            return process.log();
        }

        /** Waits for the task's status; fails at once when it ends otherwise or the jar exits. */
        Map<String, String> awaitStatus(String taskId, String expected) {
            try {
                Pipeline.await(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String status = redis.hash(taskId).get("status");
                    if (!process.isAlive()) {
                        fail("the jar exited (" + process.exitValue() + ") while " + taskId + " was " + status + "\n" + log());
                    }
                    if ("failed".equals(status) && !expected.equals(status)) {
                        fail(taskId + " failed: " + redis.hash(taskId) + "\n" + log());
                    }
                    return expected.equals(status);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                fail(taskId + " did not become " + expected + " within " + WAIT + ": " + redis.hash(taskId) + "\n" + log());
            }
            return redis.hash(taskId);
        }
    }
}

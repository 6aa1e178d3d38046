package io.enrollflow.security;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.Processes;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input through the built jar ({@code java -jar enrollflow.jar run}, folder delivery, settings from the environment):
 * links in a download never deliver what they point at, a 300 KB refusal fails its task at once, slow clients leave
 * liveness answering, ids cannot collide, and nothing the download started outlives it.
 */
class HostileInputIT {

    private static final String SECRET = "the-key-file-content-0b5e";
    private static final String TOKEN = "7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c2e";

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = RedisExtension.keepingDataBetweenTests();
    @RegisterExtension
    @Order(2)
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @TempDir
    static Path dir;

    static EnrollflowJar.Running jar;
    static int managementPort;
    static Path secretDir;
    static Path pids;

    @BeforeAll
    static void start() throws Exception {
        secretDir = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(secretDir.resolve("service-account.json"), SECRET);
        pids = dir.resolve("pids");
        // one tool for every test, choosing by task id ($3): links and a FIFO beside a real file; children that
        // detach; or just a course
        DownloadScripts.Script download = new DownloadScripts(dir.resolve("scripts")).custom("hostile", """
                mkdir -p "$1/Module 1"
                printf 'lesson of %%s\\n' "$3" > "$1/Module 1/lesson.txt"
                case "$3" in
                  links-*)
                    ln -s '%1$s/service-account.json' "$1/notes.pdf"
                    ln -s '%1$s' "$1/Module 1/lib"
                    mkfifo "$1/pipe"
                    ;;
                  detach-*)
                    nohup sleep 300 >/dev/null 2>&1 &
                    echo $! >> '%2$s'
                    setsid sleep 301 >/dev/null 2>&1 &
                    echo $! >> '%2$s'
                    sleep 1
                    ;;
                esac
                echo "downloaded $2"
                """.formatted(secretDir, pids));
        managementPort = BundledRedis.freePort();
        jar = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_ENROLL_TIMEOUT", "10s")
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", download.command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(managementPort))
                .env("ENROLLFLOW_MANAGEMENT_TOKEN", TOKEN)
                .env("ENROLLFLOW_RETRY_MAX_ATTEMPTS", "1")
                .start("run");
        Http http = new Http(managementPort);
        Pipeline.await(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> http.get("/observe/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (jar != null) {
            jar.close();
        }
    }

    @Test
    void linksAndFifosInTheDownloadAreLeftOutAndNamedAndTheSecretIsNeverDelivered() throws Exception {
        Tasks task = aTask().id("links-1");
        redis.lpush(Pipeline.QUEUE, task.json());

        Map<String, String> status = awaitStatus(task.taskId(), "completed");

        Path delivered = dir.resolve("delivered").resolve(task.taskId());
        assertEquals("lesson of links-1\n", Files.readString(delivered.resolve("Module 1/lesson.txt")));
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(delivered)) {
            entries = walk.toList();
        }
        for (Path entry : entries) {
            assertFalse(Files.isSymbolicLink(entry), "a link was delivered: " + entry);
            assertTrue(Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS), entry.toString());
            if (Files.isRegularFile(entry)) {
                assertFalse(Files.readString(entry).contains(SECRET), "the secret was delivered in " + entry);
            }
        }
        assertEquals(3, entries.size(), "the folder, Module 1 and its lesson: " + entries);
        assertTrue(status.get("message").contains("left out 3 entries"), status.get("message"));
        assertTrue(status.get("message").contains("notes.pdf (link)"), status.get("message"));
        assertTrue(jar.stderr().contains("outcome=left-out"), "the log names what was left out");
        assertEquals(SECRET, Files.readString(secretDir.resolve("service-account.json")), "the target is untouched");
    }

    @Test
    void aRefusalWithA300KbMessageFailsTheTaskAtOnceWithItsMessageCapped() {
        Tasks task = aTask().id("huge-refusal").courseUrl("https://courses.example.com/huge/");
        // what kept a worker busy for minutes: a long run of address characters with no dotted domain after the @
        api.answer(task.courseUrl(), Answer.rejected("a".repeat(300_000) + "@x and more"));
        redis.lpush(Pipeline.QUEUE, task.json());

        Map<String, String> status = awaitStatus(task.taskId(), "failed");

        assertEquals("enrollment_rejected", status.get("reason"));
        assertTrue(status.get("message").length() < 1100, "message of " + status.get("message").length() + " chars");
    }

    @Test
    void tasksAAndADotLogBothCompleteWithTheirOwnFiles() throws Exception {
        for (String id : List.of("a", "a.log")) {
            redis.lpush(Pipeline.QUEUE, aTask().id(id).json());
        }

        awaitStatus("a", "completed");
        awaitStatus("a.log", "completed");

        assertEquals("lesson of a\n", Files.readString(dir.resolve("delivered/a/Module 1/lesson.txt")));
        assertEquals("lesson of a.log\n", Files.readString(dir.resolve("delivered/a.log/Module 1/lesson.txt")));
        assertTrue(Files.isRegularFile(dir.resolve("work/_logs/a.log")) && Files.isRegularFile(dir.resolve("work/_logs/a.log.log")));
    }

    @Test
    void aTaskCannotTakeAGeneratedIdAndAGeneratedIdNeverReplacesATask() {
        redis.lpush(Pipeline.QUEUE, "this is not json");
        String generated = Pipeline.await(Duration.ofSeconds(60)).until(this::invalidRecords, ids -> !ids.isEmpty()).get(0);

        redis.lpush(Pipeline.QUEUE, aTask().id(generated).json());

        Pipeline.await(Duration.ofSeconds(60)).until(() -> invalidRecords().size() == 2);
        String record = redis.client().<String, String>getMap(RedisExtension.DEAD_LETTERS,
                org.redisson.client.codec.StringCodec.INSTANCE).get(generated);
        assertTrue(record.contains("this is not json"), "the first record is intact: " + record);
        assertFalse("completed".equals(redis.hash(generated).get("status")), "a task ran under the generated id");
    }

    @Test
    void nothingTheDownloadStartedIsLeftRunningAfterItsExitZero() throws Exception {
        redis.lpush(Pipeline.QUEUE, aTask().id("detach-1").json());

        awaitStatus("detach-1", "completed");

        List<Long> started = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong).toList();
        assertEquals(2, started.size(), started.toString());
        Pipeline.await(Duration.ofSeconds(30)).until(() -> started.stream().noneMatch(Processes::isRunning));
    }

    @Test
    void aDozenHalfSentRequestsLeaveLivenessAnsweringAndAreCut() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", managementPort), 5_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET /observe/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(socket);
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (int probe = 0; probe < 3; probe++) {
                // a Kubernetes probe's own timeout is 1 s; 2 s leaves room for a loaded test machine
                HttpResponse<String> live = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + managementPort + "/observe/health/live"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, live.statusCode(), live.body());
            }
            // the server closes each stalled request after a few seconds: reading gives end-of-stream (or a reset)
            for (Socket socket : stalled) {
                socket.setSoTimeout(30_000);
                InputStream in = socket.getInputStream();
                try {
                    assertEquals(-1, in.read(), "the server answered a half-sent request");
                } catch (java.net.SocketException reset) {
                    // closed by the server: as expected
                }
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aTaskIdBreakingTheRuleInAPathIs404() {
        Http http = new Http(managementPort);

        assertEquals(404, http.call("GET", "/api/tasks/x:history", TOKEN).status());
        assertEquals(404, http.call("GET", "/api/dead-letters/x%3Ahistory", TOKEN).status());
        assertEquals(404, http.call("GET", "/api/tasks/" + "a".repeat(65), TOKEN).status());
    }

    @Test
    void aMalformedRedisUrlWithAPasswordIsRefusedWithoutShowingThePassword() {
        for (List<String> command : List.of(List.of("run"), List.of("status", "x"))) {
            EnrollflowJar.Result result = EnrollflowJar.in(dir)
                    .env("ENROLLFLOW_REDIS_URL", "redis://:hunter2-pa ss@redis.internal:6379")
                    .env("ENROLLFLOW_DOWNLOAD_COMMAND", "true")
                    .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                    .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                    .run(command.toArray(String[]::new));

            assertEquals(2, result.exitCode(), result.toString());
            assertEquals(1, result.stderrLines().size(), result.toString());
            assertTrue(result.stderr().contains("enrollflow.redis.url"), result.toString());
            assertFalse((result.stdout() + result.stderr()).contains("hunter2"), result.toString());
        }
    }

    @Test
    void everyMalformedUrlSettingIsRefusedWithoutShowingItsPassword() {
        String bad = "http://user:hunter2-pw@exa mple.com/x";
        Map<String, String> keys = Map.of("ENROLLFLOW_ENROLL_URL", "enrollflow.enroll.url",
                "ENROLLFLOW_STATUS_CALLBACK_URL", "enrollflow.status.callback-url",
                "ENROLLFLOW_DRIVE_ROOT_URL", "enrollflow.drive.root-url");
        for (String key : keys.keySet()) {
            EnrollflowJar.Result result = EnrollflowJar.in(dir)
                    .env("ENROLLFLOW_REDIS_URL", redis.url())
                    .env("ENROLLFLOW_DOWNLOAD_COMMAND", "true")
                    .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                    .env("ENROLLFLOW_DRIVE_PARENT_FOLDER_ID", "parent")
                    .env("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", dir.resolve("no-key.json").toString())
                    .env(key, bad)
                    .run("run");

            assertEquals(2, result.exitCode(), key + ": " + result);
            assertEquals(1, result.stderrLines().size(), key + ": " + result);
            assertTrue(result.stderr().contains(keys.get(key)), key + ": " + result);
            assertFalse((result.stdout() + result.stderr()).contains("hunter2"), key + ": " + result);
        }
    }

    @Test
    void statusAndDeadLetterOutputShowTheTasksControlCharactersEscaped() {
        Tasks task = aTask().id("escapes-1").courseUrl("https://courses.example.com/escapes/");
        api.answer(task.courseUrl(), Answer.rejected("closed\u001b]0;owned\u0007 \u001b[2J\u202eevil\u0085"));
        redis.lpush(Pipeline.QUEUE, task.json());
        awaitStatus(task.taskId(), "failed");

        for (List<String> command : List.of(List.of("status", task.taskId()), List.of("dlq", "show", task.taskId()),
                List.of("dlq", "list"))) {
            EnrollflowJar.Result result = EnrollflowJar.in(dir).env("ENROLLFLOW_REDIS_URL", redis.url())
                    .run(command.toArray(String[]::new));

            assertEquals(0, result.exitCode(), command + ": " + result);
            assertTrue(result.stdout().contains("closed\\x1b]0;owned\\x07"), command + ": " + result);
            assertFalse(result.stdout().contains("\u001b") || result.stdout().contains("\u0007")
                    || result.stdout().contains("\u202e") || result.stdout().contains("\u0085"), command + ": " + result);
        }
    }

    @Test
    void aShortOrPlaceholderManagementTokenStopsStartUpNamingTheKey() {
        for (String token : List.of("short-token", "change-me-change-me-change-me")) {
            EnrollflowJar.Result result = EnrollflowJar.in(dir)
                    .env("ENROLLFLOW_REDIS_URL", redis.url())
                    .env("ENROLLFLOW_DOWNLOAD_COMMAND", "true")
                    .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                    .env("ENROLLFLOW_MANAGEMENT_TOKEN", token)
                    .run("run");

            assertEquals(2, result.exitCode(), result.toString());
            assertEquals(1, result.stderrLines().size(), result.toString());
            assertTrue(result.stderr().contains("enrollflow.management.token"), result.toString());
            assertFalse(result.stderr().contains(token), result.toString());
        }
    }

    private List<String> invalidRecords() {
        return redis.client().<String, String>getMap(RedisExtension.DEAD_LETTERS, org.redisson.client.codec.StringCodec.INSTANCE)
                .keySet().stream().filter(id -> id.matches("invalid-[0-9]+")).sorted().toList();
    }

    /** Waits until the task ends (completed or failed), then checks it ended as expected. */
    private static Map<String, String> awaitStatus(String taskId, String expected) {
        Map<String, String> hash = Pipeline.await(Duration.ofSeconds(60)).until(() -> redis.hash(taskId),
                h -> "completed".equals(h.get("status")) || "failed".equals(h.get("status")));
        assertEquals(expected, hash.get("status"), taskId + ": " + hash);
        return hash;
    }
}

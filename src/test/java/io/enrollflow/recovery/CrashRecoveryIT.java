package io.enrollflow.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §7 with enrollflow as a second JVM (the built jar, configured by environment variables): instances
 * killed with SIGKILL, stopped with SIGTERM, two on one queue, a task that kills every instance that takes it, and a
 * restart between attempts. The recovery timeout is {@value Fleet#RECOVERY_TIMEOUT}; timings are asserted loosely
 * (the tight figures are bench/recovery.sh's).
 */
class CrashRecoveryIT {

    /** A JVM start on a busy two-core machine, with room. */
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(3);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Fleet fleet = new Fleet(redis.url(), api.url());

    @Test
    void aKilledInstancesTasksRunAgainOnTheNextInstanceAndEachIsDeliveredOnce() {
        Script download = fleet.slowDownload("slow", 3);
        fleet.download(download);
        Worker first = fleet.start();
        first.awaitReady(redis.client(), START);
        List<String> ids = push(4, "kill");
        awaitAll(ids, "downloading", 2, Duration.ofSeconds(30));
        List<String> orphaned = ids.stream().filter(id -> "downloading".equals(status(id).get("status"))).toList();

        first.kill9();
        Instant killedAt = Instant.now();
        Worker next = fleet.start();
        next.awaitReady(redis.client(), START);
        Instant nextReadyAt = Instant.now();

        ids.forEach(id -> awaitStatus(id, "completed", Duration.ofSeconds(90)));
        for (String id : orphaned) {
            Instant takenAgain = History.of(redis.client(), id).firstAfter("processing", killedAt);
            assertNotNull(takenAgain, "task " + id + " was not taken again after the kill");
            Duration wait = Duration.between(killedAt.isAfter(nextReadyAt) ? killedAt : nextReadyAt, takenAgain);
            assertTrue(wait.compareTo(RECOVERY_TIMEOUT.plusSeconds(10)) < 0,
                    "task " + id + " was taken again " + wait + " after the next instance was up");
        }
        assertDeliveredOnceEach(ids, download);
    }

    @Test
    void twoInstancesOnOneQueueRunEveryTaskOnce() {
        Script download = fleet.slowDownload("half-second", 0.5);
        fleet.download(download).set("enrollflow.worker.concurrency", "3");
        Worker one = fleet.start();
        Worker two = fleet.start();
        one.awaitReady(redis.client(), START);
        two.awaitReady(redis.client(), START);

        List<String> ids = push(20, "two");

        ids.forEach(id -> awaitStatus(id, "completed", Duration.ofSeconds(90)));
        assertDeliveredOnceEach(ids, download);
        Fleet.runsPerTask(download).forEach((id, runs) -> assertEquals(1L, runs, "downloads of " + id));
        assertFalse(one.logLines("outcome=taken").isEmpty(), "the first instance took no task:\n" + one.log());
        assertFalse(two.logLines("outcome=taken").isEmpty(), "the second instance took no task:\n" + two.log());
    }

    @Test
    void aTaskThatKillsEveryInstanceTakingItIsDeadLetteredAsPoisonAfterMaxDeliveriesAndOthersComplete() {
        String deadly = "https://courses.example.com/course/crashes-the-worker/";
        Script download = fleet.scripts().custom("deadly", "if [ \"$2\" = '" + deadly + "' ]; then\n"
                + "  kill -9 $PPID\n"
                + "  sleep 5\n"
                + "  exit 1\n"
                + "fi\n"
                + "mkdir -p \"$1/Module 1\" && printf 'welcome\\n' > \"$1/Module 1/intro.txt\"\n");
        fleet.download(download).set("enrollflow.queue.max-deliveries", "2").set("enrollflow.worker.concurrency", "1");
        String poison = "poison-1";
        List<String> others = new ArrayList<>();
        others.add(pushOne(aTask().id("before-poison")));
        pushOne(aTask().id(poison).courseUrl(deadly));
        others.add(pushOne(aTask().id("after-poison-1")));
        others.add(pushOne(aTask().id("after-poison-2")));

        List<Worker> crashed = new ArrayList<>();
        Worker survivor = null;
        for (int i = 0; i < 5 && survivor == null; i++) {
            Worker worker = fleet.start();
            await(START.plusSeconds(30)).until(() -> !worker.alive() || "failed".equals(status(poison).get("status")));
            if (worker.alive()) {
                survivor = worker;
            } else {
                crashed.add(worker);
            }
        }

        assertNotNull(survivor, "every instance died; the poison task was never dead-lettered");
        assertEquals(2, crashed.size(), "instances the poison task killed (max-deliveries 2)");
        Map<String, String> failed = status(poison);
        assertEquals("poison", failed.get("reason"), failed.toString());
        JsonNode record = redis.deadLetter(poison);
        assertNotNull(record, "no dead-letter record for the poison task");
        assertEquals("poison", record.path("reason").asText());
        assertEquals(poison, record.path("task").path("taskId").asText());
        assertEquals(2L, Fleet.runsPerTask(download).get(poison), "downloads of the poison task");
        others.forEach(id -> awaitStatus(id, "completed", Duration.ofSeconds(60)));
    }

    @Test
    void sigtermMidDownloadExitsZeroKillsTheDownloadAndHandsTheTaskBackAtOnce() throws Exception {
        Script download = fleet.scripts().custom("hangs-once", "if grep -qx \"$3\" \"$SCRIPT_DIR/hangs-once.done\" 2>/dev/null; then\n"
                + "  mkdir -p \"$1/Module 1\" && printf 'welcome\\n' > \"$1/Module 1/intro.txt\"\n"
                + "  exit 0\n"
                + "fi\n"
                + "echo \"$3\" >> \"$SCRIPT_DIR/hangs-once.done\"\n"
                + "echo $$ >> \"$SCRIPT_DIR/hangs-once.pids\"\n"
                + "sleep 120 &\n"
                + "echo $! >> \"$SCRIPT_DIR/hangs-once.pids\"\n"
                + "wait\n");
        // a recovery timeout far longer than the test: only the hand-back can bring the task back in time
        fleet.download(download).set("enrollflow.queue.recovery-timeout", "5m");
        Worker first = fleet.start();
        String instance = first.awaitReady(redis.client(), START);
        String id = pushOne(aTask().id("sigterm-1"));
        awaitStatus(id, "downloading", Duration.ofSeconds(30));
        await(Duration.ofSeconds(10)).until(() -> download.pids().size() == 2);
        List<Long> downloadTree = download.pids();

        Instant asked = Instant.now();
        first.sigterm();
        Optional<Integer> exit = first.awaitExit(Duration.ofSeconds(2 + 10));

        assertEquals(Optional.of(0), exit, "exit code after SIGTERM (empty: still running):\n" + first.log());
        Duration took = Duration.between(asked, Instant.now());
        assertTrue(took.compareTo(Duration.ofSeconds(2 + 10)) < 0, "SIGTERM to exit took " + took);
        // SIGKILL is asynchronous: give the kernel a moment to end the processes (a zombie left for init is ended)
        for (long pid : downloadTree) {
            await(Duration.ofSeconds(5)).alias("download process " + pid + " ended").until(() -> ended(pid));
        }
        assertEquals(List.of(id), redis.list(Fleet.QUEUE).stream().map(CrashRecoveryIT::taskIdOf).toList(),
                "the queue right after the stop");
        assertEquals(0, redis.llen("enrollflow:processing:" + instance), "the stopped instance's processing list");

        Worker next = fleet.start();
        next.awaitReady(redis.client(), START);
        awaitStatus(id, "completed", Duration.ofSeconds(30));
        assertEquals(2L, Fleet.runsPerTask(download).get(id), "downloads: the interrupted one and the one that finished");
    }

    @Test
    void aRestartBetweenAttemptsKeepsTheAttemptCount() {
        String unavailable = "https://courses.example.com/course/api-down/";
        api.answer(unavailable, Answer.status(503, "{\"error\":\"maintenance\"}"));
        fleet.download(fleet.slowDownload("quick", 0.1))
                .set("enrollflow.retry.max-attempts", "3")
                .set("enrollflow.retry.initial-delay", "3s")
                .set("enrollflow.retry.multiplier", "1")
                .set("enrollflow.retry.max-delay", "3s");
        Worker first = fleet.start();
        first.awaitReady(redis.client(), START);
        String id = pushOne(aTask().id("restart-1").courseUrl(unavailable));
        await(Duration.ofSeconds(30)).until(() -> "retrying".equals(status(id).get("status")));
        assertEquals("1", status(id).get("attempts"));

        first.kill9();
        Worker next = fleet.start();
        next.awaitReady(redis.client(), START);

        Map<String, String> failed = awaitStatus(id, "failed", Duration.ofSeconds(60));
        assertEquals("enrollment_unavailable", failed.get("reason"), failed.toString());
        assertEquals("3", failed.get("attempts"), failed.toString());
        assertEquals(3, api.calls(unavailable), "enrollment calls");
        assertEquals(3, redis.deadLetter(id).path("attempts").asInt());
    }

    // ---- helpers

    private List<String> push(int count, String prefix) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> pushOne(aTask().id(prefix + "-" + i))).toList();
    }

    private String pushOne(Tasks task) {
        redis.lpush(Fleet.QUEUE, task.json());
        return task.taskId();
    }

    private Map<String, String> status(String id) {
        return redis.hash(id);
    }

    private void awaitAll(List<String> ids, String status, int atLeast, Duration atMost) {
        await(atMost).until(() -> ids.stream().filter(id -> status.equals(status(id).get("status"))).count() >= atLeast);
    }

    private Map<String, String> awaitStatus(String id, String expected, Duration atMost) {
        await(atMost).alias("task " + id + " " + expected).until(() -> {
            Map<String, String> hash = status(id);
            String now = hash.get("status");
            if ("failed".equals(now) && !"failed".equals(expected) || "completed".equals(now) && !"completed".equals(expected)) {
                throw new AssertionError("task " + id + " ended " + now + " instead of " + expected + ": " + hash);
            }
            return expected.equals(now);
        });
        return status(id);
    }

    /** One folder per task, nothing else (no partial copy), one completed transition each. */
    private void assertDeliveredOnceEach(List<String> ids, Script download) {
        assertEquals(ids.stream().sorted().toList(), fleet.deliveredEntries(), "the delivery folder");
        for (String id : ids) {
            assertTrue(Files.isRegularFile(fleet.deliveryFolder().resolve(id).resolve("Module 1/intro.txt")), id);
            assertEquals(1, History.of(redis.client(), id).count("completed"), "completed transitions of " + id);
            assertTrue(Fleet.runsPerTask(download).getOrDefault(id, 0L) >= 1, "downloads of " + id);
        }
    }

    private static String taskIdOf(String payload) {
        try {
            return new ObjectMapper().readTree(payload).path("taskId").asText();
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON on the queue: " + payload, e);
        }
    }

    /** True when the process is gone or only a zombie waiting to be reaped (what {@code ps} shows as Z). */
    static boolean ended(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException e) {
                return true;
            }
        }
        return true;
    }

    static ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO);
    }
}

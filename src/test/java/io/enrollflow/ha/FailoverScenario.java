package io.enrollflow.ha;

import io.enrollflow.delivery.drive.DriveStandIn;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.ops.Cli;
import io.enrollflow.recovery.Fleet;
import io.enrollflow.recovery.History;
import io.enrollflow.recovery.Worker;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failover scenario of docs/contract.md §13 with Sentinel, run by {@link FailoverIT} and {@link ReplicaLagFailoverIT}: a primary, a replica and three sentinels; two instances of the built jar delivering to the
 * Drive stand-in; 60 tasks pushed and replicated ({@code WAIT}); the primary killed with SIGKILL while tasks are in
 * flight. Every task ends {@code completed}, in one Drive folder with each file uploaded once, and both instances go on
 * with the new primary without a restart. Run with {@code enrollflow.redis.wait-replicas} 0 and 1; each run prints what
 * the failover cost (the README's "High availability" figures come from these lines).
 */
abstract class FailoverScenario {

    static final int TASKS = 60;
    private static final int FILES_PER_TASK = 2;
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Fleet fleet = new Fleet("redis://127.0.0.1:1", api.url());

    private LocalSentinels redis;
    private DriveStandIn drive;

    @AfterEach
    void stopEverything() {
        fleet.stopAll();
        if (drive != null) {
            drive.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** What a run measured (also printed as one FAILOVER line). */
    record Cost(long rerun, long foldersOverOne, long extraUploads) {
    }

    /**
     * The scenario. With {@code lagSeconds} above 0 the replica is frozen (SIGSTOP) that long before the primary is
     * killed, and thawed after: what it missed meanwhile is gone with the primary, as with a replica that lagged behind;
     * a fresh replica of the promoted one is then attached. Without lag the promoted replica stays alone.
     *
     * @param strict true to assert one folder per task and each file once; false to measure them only
     */
    Cost failover(int waitReplicas, String waitTimeout, int lagSeconds, boolean strict) throws Exception {
        redis = new LocalSentinels(dir);
        drive = DriveStandIn.start();
        String parent = drive.createFolder(null, "Deliveries");
        Script download = fleet.scripts().custom("course", "sleep 0.5\n"
                + "mkdir -p \"$1/Module 1\"\n"
                + "printf 'welcome to the course\\n' > \"$1/Module 1/intro.txt\"\n"
                + "head -c 100000 /dev/zero | tr '\\0' 'v' > \"$1/Module 1/lesson.bin\"\n");
        fleet.download(download)
                .set("enrollflow.redis.sentinels", redis.sentinels())
                .set("enrollflow.redis.master-name", LocalSentinels.MASTER)
                .set("enrollflow.redis.wait-replicas", Integer.toString(waitReplicas))
                .set("enrollflow.redis.wait-timeout", waitTimeout)
                // longer than a failover: an instance whose heartbeat writes stalled with the primary is not taken
                // for dead (its tasks would then run twice at once)
                .set("enrollflow.queue.recovery-timeout", "10s")
                .set("enrollflow.worker.concurrency", "4")
                .set("enrollflow.delivery.target", "drive")
                .set("enrollflow.drive.service-account-key", drive.writeKeyFile(fleet.root().resolve("key.json")).toString())
                .set("enrollflow.drive.parent-folder-id", parent)
                .set("enrollflow.drive.root-url", drive.rootUrl())
                .set("enrollflow.drive.retry-initial-interval", "200ms");
        RedissonClient client = redis.client();
        List<Worker> workers = List.of(fleet.start(), fleet.start());
        for (Worker worker : workers) {
            worker.awaitReady(client, START);
        }

        RBatch push = client.createBatch(BatchOptions.defaults().sync(1, Duration.ofSeconds(5)));
        for (int i = 1; i <= TASKS; i++) {
            push.getDeque(Fleet.QUEUE, StringCodec.INSTANCE)
                    .addFirstAsync(aTask().id(id(i)).orderId(Integer.toString(7000 + i)).email(email(i)).json());
        }
        BatchResult<?> pushed = push.execute();
        assertEquals(1, pushed.getSyncedSlaves(), "the tasks reached the replica");

        await(Duration.ofSeconds(90)).until(() -> count(client, "completed") >= TASKS / 4 && inFlight(client) > 0);
        Map<Worker, Integer> logAtKill = workers.stream().collect(Collectors.toMap(w -> w, w -> w.log().length()));
        long inFlightAtKill = inFlight(client);
        long completedBefore = count(client, "completed");
        if (lagSeconds > 0) {
            redis.replica().freeze();
            Thread.sleep(lagSeconds * 1000L); // the lag itself: work goes on against the primary alone
        }
        redis.primary().kill9();
        Instant killedAt = Instant.now();
        if (lagSeconds > 0) {
            redis.replica().thaw();
        }
        await(Duration.ofSeconds(60)).until(redis::replicaPromoted);
        Instant promotedAt = Instant.now();
        if (lagSeconds > 0) {
            redis.attachReplicaToThePromotedOne(dir);
        }
        // the stall: until the fleet has completed more than it had when the primary died (read from the new one)
        await(Duration.ofSeconds(60)).until(() -> count(client, "completed") > completedBefore);
        Instant movingAgainAt = Instant.now();

        await(Duration.ofSeconds(100)).until(() -> count(client, "completed") == TASKS);
        Instant allDoneAt = Instant.now();

        List<Item> folders = drive.children(parent);
        Set<String> expected = IntStream.rangeClosed(1, TASKS).mapToObj(i -> (7000 + i) + " " + id(i)).collect(Collectors.toSet());
        assertEquals(expected, folders.stream().map(Item::name).collect(Collectors.toSet()), "a folder for every task");
        List<String> problems = new ArrayList<>();
        for (Item folder : folders) {
            Map<String, String> tree = drive.tree(folder.id());
            if (!tree.keySet().equals(Set.of("Module 1/", "Module 1/intro.txt", "Module 1/lesson.bin"))) {
                problems.add(folder.name() + " holds " + tree.keySet());
            }
        }
        long foldersOverOne = folders.size() - TASKS;
        long extraUploads = drive.uploadsCompleted() - (long) TASKS * FILES_PER_TASK;
        if (strict) {
            assertEquals(TASKS, folders.size(), "one folder per task");
            assertEquals(List.of(), problems);
            assertEquals(TASKS * FILES_PER_TASK, drive.uploadsCompleted(), "files uploaded (each exactly once)");
        }
        Cli.Result status = new Cli(dir, Map.of("enrollflow.redis.sentinels", redis.sentinels(),
                "enrollflow.redis.master-name", LocalSentinels.MASTER)).run("status", id(1));
        assertEquals(0, status.exitCode(), "the CLI on the new primary: " + status.err());
        for (Worker worker : workers) {
            assertTrue(worker.alive(), worker.name() + " died:\n" + worker.log());
            String since = worker.log().substring(logAtKill.get(worker));
            assertTrue(since.contains("outcome=completed"), worker.name() + " completed nothing on the new primary:\n" + since);
        }

        // what the failover cost
        Map<String, Long> runs = Fleet.runsPerTask(download);
        long rerun = runs.values().stream().filter(n -> n > 1).count();
        long completedTwice = IntStream.rangeClosed(1, TASKS).filter(i -> History.of(client, id(i)).count("completed") > 1).count();
        long unreplicated = workers.stream().mapToLong(w -> w.logLines("outcome=unreplicated").size()).sum();
        System.out.printf("FAILOVER wait-replicas=%d lag_s=%d completed_at_kill=%d in_flight_at_kill=%d promoted_after_ms=%d"
                        + " stall_ms=%d all_done_after_kill_ms=%d tasks_rerun=%d downloads=%d completed_twice=%d"
                        + " extra_folders=%d extra_uploads=%d unreplicated_warnings=%d%n",
                waitReplicas, lagSeconds, completedBefore, inFlightAtKill, Duration.between(killedAt, promotedAt).toMillis(),
                Duration.between(killedAt, movingAgainAt).toMillis(), Duration.between(killedAt, allDoneAt).toMillis(),
                rerun, runs.values().stream().mapToLong(Long::longValue).sum(), completedTwice, foldersOverOne, extraUploads, unreplicated);
        assertEquals(0, completedTwice, "a history with two completions");
        return new Cost(rerun, foldersOverOne, extraUploads);
    }

    private static String id(int i) {
        return String.format("f%02d", i);
    }

    private static String email(int i) {
        return "buyer" + i + "@example.com";
    }

    private static long count(RedissonClient client, String status) {
        return IntStream.rangeClosed(1, TASKS).mapToObj(i -> client.<String, String>getMap("enrollflow:task:" + id(i),
                StringCodec.INSTANCE).get("status")).filter(status::equals).count();
    }

    private static long inFlight(RedissonClient client) {
        return count(client, "downloading") + count(client, "uploading");
    }

    private static org.awaitility.core.ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                .ignoreExceptions();
    }
}

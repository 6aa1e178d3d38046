package io.enrollflow.ha;

import io.enrollflow.ops.Cli;
import io.enrollflow.recovery.Fleet;
import io.enrollflow.recovery.Worker;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Tasks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §13 "with Redis Cluster and a namespace that is a hash tag, every feature works as on one server": three
 * masters formed by the test, the built jar with {@code enrollflow.redis.cluster-nodes} and namespace
 * {@code {enrollflow}}, and the black-box path on it: completion, retry, dead letter (with a task id and without one),
 * replay, pause and resume, the operator's status, and recovery after a worker is killed with SIGKILL.
 */
class ClusterIT {

    private static final String NS = "{enrollflow}";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration TASK = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalCluster cluster;

    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Fleet fleet = new Fleet("redis://127.0.0.1:1", api.url());

    @BeforeAll
    static void formTheCluster() {
        cluster = new LocalCluster(dir);
    }

    @AfterAll
    static void stopTheCluster() {
        cluster.close();
    }

    @Test
    void theWholePathWorksOnThreeMastersWithAHashTagNamespace() throws Exception {
        RedissonClient redis = cluster.client();
        fleet.set("enrollflow.redis.cluster-nodes", cluster.nodes())
                .set("enrollflow.redis.namespace", NS)
                .set("enrollflow.queue.key", NS + ":tasks")
                .set("enrollflow.retry.initial-delay", "200ms");
        Script download = fleet.scripts().custom("course", """
                case "$3" in crash-*) echo $$ >> "$SCRIPT_DIR/course.pids"; sleep 8;; esac
                mkdir -p "$1/Module 1"
                printf 'welcome to the course\\n' > "$1/Module 1/intro.txt"
                """);
        fleet.download(download);
        Worker first = fleet.start();
        first.awaitReady(redis, NS + ":instances", START);

        // completion, a retry after a 503, a rejection dead-lettered, a payload with no task id dead-lettered
        Tasks done = aTask().id("done-1");
        Tasks retried = course(aTask().id("retry-1"));
        api.answer(retried.courseUrl(), Answer.status(503, "{\"error\":\"busy\"}"), Answer.success());
        Tasks rejected = course(aTask().id("dead-1"));
        api.answer(rejected.courseUrl(), Answer.rejected("no such course"), Answer.success());
        for (Tasks task : List.of(done, retried, rejected)) {
            push(redis, task.json());
        }
        push(redis, "not json at all");

        assertEquals("1", awaitStatus(redis, done.taskId(), "completed").get("attempts"));
        assertEquals("2", awaitStatus(redis, retried.taskId(), "completed").get("attempts"));
        assertEquals("enrollment_rejected", awaitStatus(redis, rejected.taskId(), "failed").get("reason"));
        Awaitility.await("the payload without a task id dead-lettered").atMost(TASK)
                .until(() -> redis.getMap(NS + ":dead-letters", StringCodec.INSTANCE).containsKey("invalid-1"));
        assertTrue(fleet.deliveredEntries().stream().anyMatch(entry -> entry.contains("done-1")), fleet.deliveredEntries().toString());

        // the operator's commands, through the same cluster settings
        Cli cli = new Cli(dir, Map.of("enrollflow.redis.cluster-nodes", cluster.nodes(), "enrollflow.redis.namespace", NS));
        Cli.Result status = cli.run("status", done.taskId(), "--json");
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("\"status\":\"completed\""), status.out());
        Cli.Result byReason = cli.run("dlq", "list", "--reason", "enrollment_rejected");
        assertEquals(0, byReason.exitCode(), byReason.err());
        assertTrue(byReason.out().contains(rejected.taskId()), byReason.out());
        Cli.Result replay = cli.run("dlq", "replay", rejected.taskId());
        assertEquals(0, replay.exitCode(), replay.err());
        awaitStatus(redis, rejected.taskId(), "completed");

        // pause: a task pushed meanwhile waits on the queue; resume: it runs
        assertEquals(0, cli.run("intake", "pause").exitCode());
        // the worker says when it sees the pause (it reads the flag at most 500 ms old); from then nothing may be taken
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> first.log().contains("stage=intake outcome=paused"));
        Tasks held = aTask().id("held-1");
        push(redis, held.json());
        Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> redis.getList(NS + ":tasks", StringCodec.INSTANCE).size() == 1);
        assertTrue(hash(redis, held.taskId()).isEmpty(), "taken while paused: " + hash(redis, held.taskId()));
        assertEquals(0, cli.run("intake", "resume").exitCode());
        awaitStatus(redis, held.taskId(), "completed");

        // recovery: the worker dies mid-download; the next one takes the task over and delivers it once
        Tasks crash = aTask().id("crash-1");
        push(redis, crash.json());
        awaitStatus(redis, crash.taskId(), "downloading");
        first.kill9();
        Worker second = fleet.start();
        second.awaitReady(redis, NS + ":instances", START);
        awaitStatus(redis, crash.taskId(), "completed");
        assertEquals(1, fleet.deliveredEntries().stream().filter(entry -> entry.contains("crash-1")).count(),
                fleet.deliveredEntries().toString());
        assertEquals(1, redis.<String>getList(NS + ":task:crash-1:history", StringCodec.INSTANCE).readAll().stream()
                .filter(entry -> entry.contains("\"status\":\"completed\"")).count(), "one completed in the history");
        assertTrue(second.alive(), second.log());
    }

    private static Tasks course(Tasks task) {
        return task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
    }

    private static void push(RedissonClient redis, String payload) {
        redis.getDeque(NS + ":tasks", StringCodec.INSTANCE).addFirst(payload);
    }

    private static Map<String, String> hash(RedissonClient redis, String taskId) {
        return redis.<String, String>getMap(NS + ":task:" + taskId, StringCodec.INSTANCE).readAllMap();
    }

    private Map<String, String> awaitStatus(RedissonClient redis, String taskId, String status) {
        Awaitility.await(taskId + " " + status).atMost(TASK).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(hash(redis, taskId).get("status")));
        return hash(redis, taskId);
    }
}

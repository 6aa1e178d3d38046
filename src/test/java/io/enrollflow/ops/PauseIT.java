package io.enrollflow.ops;

import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paused intake for the whole fleet: two runtimes in this JVM, each with its own EnrollflowRuntime, on one Redis.
 * A pause by the command line holds freshly pushed tasks on both within a second; tasks in flight finish; resume
 * releases the held ones.
 */
class PauseIT {

    /** How long a test gives the instances to see a pause (they look at least every 500 ms). */
    private static final long HONOURED_WITHIN_MS = 1_200;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline first = new Pipeline(redis, api).set("enrollflow.management.port", "0");
    @RegisterExtension
    final Pipeline second = new Pipeline(redis, api).set("enrollflow.management.port", "0");
    @TempDir
    Path dir;

    /**
     * The contract's promise is "within a second": give it that second. A sleep, because an instance noticing the flag
     * makes no event a test could wait for; what follows asserts that nothing was taken.
     */
    private static void waitOutThePausesPromise() throws InterruptedException {
        Thread.sleep(HONOURED_WITHIN_MS);
    }

    private Cli cli() {
        return new Cli(dir, Map.of("enrollflow.redis.url", redis.url(), "enrollflow.queue.key", Pipeline.QUEUE));
    }

    @Test
    void pauseHoldsFreshTasksOnEveryInstanceAndResumeReleasesThem() throws Exception {
        first.start();
        second.start();

        Cli.Result pause = cli().run("intake", "pause");
        assertEquals(0, pause.exitCode(), pause.err());
        assertTrue(pause.out().startsWith("intake paused since "), pause.out());
        waitOutThePausesPromise();

        List<Tasks> tasks = List.of(aTask(), aTask(), aTask(), aTask());
        tasks.forEach(first::push);
        // for two seconds, no instance takes any of them
        Pipeline.await(Duration.ofSeconds(3)).during(Duration.ofSeconds(2))
                .until(() -> tasks.stream().allMatch(task -> first.status(task.taskId()).isEmpty()));
        assertEquals(4, redis.llen(Pipeline.QUEUE));
        Cli.Result status = cli().run("intake", "status");
        assertTrue(status.out().contains("intake paused") && status.out().contains("4 task(s) waiting"), status.out());

        Cli.Result resume = cli().run("intake", "resume");
        assertEquals(0, resume.exitCode(), resume.err());
        assertTrue(resume.out().startsWith("intake running"), resume.out());
        for (Tasks task : tasks) {
            first.awaitCompleted(task.taskId());
        }
        assertTrue(cli().run("intake", "status").out().startsWith("intake running; 0 task(s) waiting"));
    }

    @Test
    void tasksInFlightFinishWhileIntakeIsPaused() throws Exception {
        Script gate = first.scripts().waitsForGate();
        first.downloadCommand(gate.command()).start();
        second.downloadCommand(gate.command()).start();
        Tasks inFlight = aTask();
        first.push(inFlight);
        first.awaitStatus(inFlight.taskId(), "downloading");

        assertEquals(0, cli().run("intake", "pause").exitCode());
        waitOutThePausesPromise();
        Tasks held = aTask();
        first.push(held);
        gate.openGate();

        first.awaitCompleted(inFlight.taskId());
        // the task pushed after the pause waits on the queue, and keeps waiting
        Pipeline.await(Duration.ofSeconds(2)).during(Duration.ofSeconds(1)).until(() -> first.status(held.taskId()).isEmpty());

        assertEquals(0, cli().run("intake", "resume").exitCode());
        first.awaitCompleted(held.taskId());
    }

    @Test
    void aPauseIsHonouredWithinASecondByEveryInstance() throws Exception {
        first.start();
        second.start();
        assertEquals(0, cli().run("intake", "pause").exitCode());
        waitOutThePausesPromise();

        // each instance has concurrency 3: had either missed the pause, one of these would be taken at once
        for (int i = 0; i < 6; i++) {
            first.push(aTask());
        }
        Pipeline.await(Duration.ofSeconds(2)).during(Duration.ofMillis(1_500)).until(() -> redis.llen(Pipeline.QUEUE) == 6);
        assertEquals(0, redis.keys("enrollflow:processing:*").stream().mapToInt(redis::llen).sum());
        cli().run("intake", "resume");
    }
}

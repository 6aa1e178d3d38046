package io.enrollflow.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.pipeline.FailureHandler;
import io.enrollflow.queue.InFlight;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.retry.Backoff;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.task.TransientTaskException;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The enrollment is held on the run and written with the downloading that follows it (one Redis step where
 * two writes belong together), against a real Redis: the history and the hash are what docs/contract.md §3 says, the
 * listeners hear both transitions in order, and a run that fails in between still gets its enrollment written.
 */
class StatusStoreIT {

    private static final String PROCESSING = RedisKeys.defaults().processing("status-store-test");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private StatusStore status;
    private final List<StatusChange> heard = new ArrayList<>();

    @BeforeEach
    void store() {
        status = new StatusStore(redis.client(), new RedisScripts(redis.client()), RedisKeys.defaults(), 50,
                "status-store-test", 5);
        status.listener(heard::add);
    }

    private TaskRun claimed(Tasks task) {
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        run.claimToken(status.claim(run, "1007", task.courseUrl()).token());
        return run;
    }

    @Test
    void theEnrollmentIsWrittenWithTheDownloadingThatFollowsInOneScriptCall() throws Exception {
        status.transition(claimed(aTask()), TaskStatus.DOWNLOADING, Stage.DOWNLOAD, "warms the script cache");
        Tasks task = aTask();
        TaskRun run = claimed(task);
        heard.clear();

        status.holdEnrolled(run, "enrolled");
        assertFalse(redis.hash(task.taskId()).containsKey("enrolledAt"), "held, not written yet");
        long scriptsBefore = scriptCalls();
        status.transition(run, TaskStatus.DOWNLOADING, Stage.DOWNLOAD, "downloading");

        assertEquals(1, scriptCalls() - scriptsBefore, "one round trip for both");
        Map<String, String> hash = redis.hash(task.taskId());
        assertEquals("downloading", hash.get("status"));
        assertEquals("download", hash.get("stage"));
        String enrolledAt = hash.get("enrolledAt");
        assertEquals(List.of("processing:", "enrolled:" + enrolledAt, "downloading:" + hash.get("updatedAt")), history(task));
        assertEquals(List.of(TaskStatus.ENROLLED, TaskStatus.DOWNLOADING), heard.stream().map(StatusChange::status).toList());
        assertEquals(enrolledAt, heard.get(0).at());
    }

    @Test
    void aHeldEnrollmentIsWrittenOnItsOwnWhenTheRunFailsBeforeTheNextTransition() throws Exception {
        Tasks task = aTask();
        TaskRun run = claimed(task);
        status.holdEnrolled(run, "User already enrolled");

        status.writeHeld(run);
        status.writeHeld(run);

        Map<String, String> hash = redis.hash(task.taskId());
        assertEquals("enrolled", hash.get("status"));
        assertEquals("User already enrolled", hash.get("message"));
        assertEquals(List.of("processing:", "enrolled:" + hash.get("enrolledAt")), history(task), "written once");
    }

    @Test
    void aRunThatFailsAfterEnrollingKeepsItsEnrollmentForTheNextAttempt() throws Exception {
        RedisKeys keys = RedisKeys.defaults();
        RedisScripts scripts = new RedisScripts(redis.client());
        FailureHandler failures = new FailureHandler(
                new RetrySchedule(scripts, keys, status, new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(5)), 3),
                new DeadLetterStore(redis.client(), scripts, keys, status, 10_000), status, new InFlight());
        Tasks task = aTask();
        TaskRun run = claimed(task);
        run.stage(Stage.DOWNLOAD);
        status.holdEnrolled(run, "enrolled");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(TaskRun.PROPERTY, run);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                new TransientTaskException(FailureReason.DOWNLOAD_FAILED, "the download command exited with 1"));

        failures.retryOrDeadLetter(exchange);

        Map<String, String> hash = redis.hash(task.taskId());
        assertEquals("retrying", hash.get("status"));
        String enrolledAt = hash.get("enrolledAt");
        assertEquals(List.of("processing", "enrolled", "retrying"),
                history(task).stream().map(entry -> entry.substring(0, entry.indexOf(':'))).toList());
        assertEquals("enrolled:" + enrolledAt, history(task).get(1), "the next attempt skips the enrollment call");
    }

    @Test
    void withNothingHeldATransitionWritesOnlyItself() throws Exception {
        Tasks task = aTask();
        TaskRun run = claimed(task);

        status.transition(run, TaskStatus.DOWNLOADING, Stage.DOWNLOAD, "downloading");

        assertFalse(redis.hash(task.taskId()).containsKey("enrolledAt"));
        assertEquals(2, history(task).size());
    }

    /** The history, oldest first, as status:at (the at of processing left out: written by claim.lua). */
    private List<String> history(Tasks task) throws Exception {
        List<String> out = new ArrayList<>();
        for (String entry : status.history(task.taskId())) {
            var node = JSON.readTree(entry);
            String status = node.get("status").asText();
            out.add(status + ":" + (status.equals("processing") ? "" : node.get("at").asText()));
        }
        return out;
    }

    /** EVAL and EVALSHA calls the server has answered so far. */
    private long scriptCalls() {
        Map<String, String> stats = redis.client().getRedisNodes(RedisNodes.SINGLE).getInstance()
                .info(RedisNode.InfoSection.COMMANDSTATS);
        return calls(stats.get("cmdstat_eval")) + calls(stats.get("cmdstat_evalsha"));
    }

    private static long calls(String stat) {
        if (stat == null) {
            return 0;
        }
        String calls = stat.substring(stat.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
    }
}

package io.enrollflow.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Explicit decisions (docs/contract.md §6 {@code internal_error}), with the built jar: a pipeline an operator edited
 * so that it skips delivery ends its task failed with {@code internal_error} and a dead letter (it is never left
 * hanging, acknowledged with nothing decided); a routes folder without the pipeline stops start-up; and a task whose
 * status key holds the wrong type ends failed with {@code internal_error} while the others complete.
 */
class ExplicitDecisionsIT {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    Path dir;

    private EnrollflowJar jar() {
        DownloadScripts.Script download = new DownloadScripts(dir.resolve("scripts")).writesCourse();
        return EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", download.command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_QUEUE_RECOVERY_TIMEOUT", "3s")
                .env("ENROLLFLOW_RETRY_MAX_ATTEMPTS", "2")
                .env("ENROLLFLOW_RETRY_INITIAL_DELAY", "200ms")
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0");
    }

    /** A copy of the project's routes, one file changed (or left out when the change returns null). */
    private Path routesWith(String file, UnaryOperator<String> change) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("my-routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path source : files.toList()) {
                String name = source.getFileName().toString();
                String text = Files.readString(source);
                String changed = name.equals(file) ? change.apply(text) : text;
                if (changed != null) {
                    Files.writeString(routes.resolve(name), changed);
                }
            }
        }
        return routes;
    }

    /** The task's status; null while its key is not a hash. */
    private static String statusOf(Tasks task) {
        try {
            return redis.hash(task.taskId()).get("status");
        } catch (RedisException wrongType) {
            return null;
        }
    }

    @Test
    void aPipelineThatSkipsDeliveryEndsItsTaskFailedWithInternalErrorAndADeadLetter() throws Exception {
        Path routes = routesWith("pipeline.camel.yaml", yaml -> {
            assertTrue(yaml.contains("- to: direct:deliver"), "the pipeline delivers");
            return yaml.replace("- to: direct:deliver", "- log: \"delivery skipped\"");
        });
        Tasks task = aTask();

        try (EnrollflowJar.Running worker = jar().start("run", "--routes", routes.toString())) {
            redis.lpush(Pipeline.QUEUE, task.json());

            Pipeline.await(WAIT).until(() -> {
                assertTrue(worker.isAlive(), worker.stderr());
                return "failed".equals(redis.hash(task.taskId()).get("status"));
            });
            Map<String, String> status = redis.hash(task.taskId());
            assertEquals("internal_error", status.get("reason"), status.toString());
            assertEquals("2", status.get("attempts"), "retried, then dead-lettered");
            JsonNode record = redis.deadLetter(task.taskId());
            assertNotNull(record);
            assertEquals("internal_error", record.get("reason").asText());
            assertTrue(worker.stderr().lines().anyMatch(line -> line.contains("ERROR")
                    && line.contains("task=" + task.taskId()) && line.contains("route download")), worker.stderr());
            assertFalse(Files.exists(dir.resolve("delivered").resolve(task.taskId())), "nothing delivered");
        }
    }

    @Test
    void errorHandlingEditedBeforeItsClausesBecameProcessorsStillDecides() throws Exception {
        // the failure clauses as an operator's own route files may name them: bean calls on "failures" and "holdBack"
        Path routes = routesWith("error-handling.camel.yaml", yaml -> {
            assertTrue(yaml.contains("ref: deadLetterTask") && yaml.contains("ref: retryOrDeadLetter"), yaml);
            return yaml.replace("- process:\n                ref: holdBackTask",
                            "- bean:\n                ref: holdBack\n                method: holdBack")
                    .replace("- process:\n                ref: retryOrDeadLetter",
                            "- bean:\n                ref: failures\n                method: retryOrDeadLetter")
                    .replace("- process:\n                ref: deadLetterTask",
                            "- bean:\n                ref: failures\n                method: deadLetter");
        });
        assertFalse(Files.readString(routes.resolve("error-handling.camel.yaml")).contains("- process:"),
                "every clause is a bean call again");
        Tasks rejected = aTask().courseUrl("https://courses.example.com/rejected/");
        Tasks unavailable = aTask().courseUrl("https://courses.example.com/down/");
        api.answer("https://courses.example.com/rejected/", EnrollmentApiStub.Answer.rejected("no such account"));
        api.answer("https://courses.example.com/down/", EnrollmentApiStub.Answer.status(503, "{}"));

        try (EnrollflowJar.Running worker = jar().start("run", "--routes", routes.toString())) {
            redis.lpush(Pipeline.QUEUE, rejected.json());
            redis.lpush(Pipeline.QUEUE, unavailable.json());

            Pipeline.await(WAIT).until(() -> {
                assertTrue(worker.isAlive(), worker.stderr());
                return "failed".equals(redis.hash(rejected.taskId()).get("status"))
                        && "failed".equals(redis.hash(unavailable.taskId()).get("status"));
            });
            assertEquals("enrollment_rejected", redis.hash(rejected.taskId()).get("reason"));
            assertEquals("enrollment_rejected", redis.deadLetter(rejected.taskId()).get("reason").asText());
            Map<String, String> down = redis.hash(unavailable.taskId());
            assertEquals("enrollment_unavailable", down.get("reason"), down.toString());
            assertEquals("2", down.get("attempts"), "retried, then dead-lettered");
            assertNotNull(redis.deadLetter(unavailable.taskId()));
        }
    }

    @Test
    void aRoutesFolderWithoutThePipelineStopsStartUpWithOneLineNamingItAndExitCode2() throws Exception {
        Path routes = routesWith("pipeline.camel.yaml", yaml -> null);

        EnrollflowJar.Result result = jar().run("run", "--routes", routes.toString());

        assertEquals(2, result.exitCode(), result.toString());
        List<String> lines = result.stderrLines();
        assertEquals(1, lines.size(), "one line: " + result);
        assertTrue(lines.get(0).contains("\"pipeline\""), result.toString());
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.toString());
    }

    @Test
    void aRoutesFolderWhosePipelineCallsAMissingRouteStopsStartUpNamingIt() throws Exception {
        Path routes = routesWith("deliver.camel.yaml", yaml -> null);

        EnrollflowJar.Result result = jar().run("run", "--routes", routes.toString());

        assertEquals(2, result.exitCode(), result.toString());
        List<String> lines = result.stderrLines();
        assertEquals(1, lines.size(), "one line: " + result);
        assertTrue(lines.get(0).contains("direct:deliver"), result.toString());
    }

    @Test
    void aTaskWithAWrongTypedStatusKeyEndsFailedWithInternalErrorAndTheOthersComplete() throws Exception {
        Tasks broken = aTask();
        List<Tasks> others = List.of(aTask(), aTask(), aTask());
        redis.client().getBucket(RedisExtension.TASK_PREFIX + broken.taskId(), StringCodec.INSTANCE).set("not a hash");

        try (EnrollflowJar.Running worker = jar().start("run")) {
            redis.lpush(Pipeline.QUEUE, others.get(0).json());
            redis.lpush(Pipeline.QUEUE, broken.json());
            redis.lpush(Pipeline.QUEUE, others.get(1).json());
            redis.lpush(Pipeline.QUEUE, others.get(2).json());

            Pipeline.await(WAIT).until(() -> {
                assertTrue(worker.isAlive(), worker.stderr());
                return "failed".equals(statusOf(broken))
                        && others.stream().allMatch(t -> "completed".equals(redis.hash(t.taskId()).get("status")));
            });
            Map<String, String> status = redis.hash(broken.taskId());
            assertEquals("internal_error", status.get("reason"), status.toString());
            assertEquals("internal_error", redis.deadLetter(broken.taskId()).get("reason").asText());
            assertEquals(0, redis.llen("enrollflow:tasks"), "nothing re-runs");
        }
    }
}

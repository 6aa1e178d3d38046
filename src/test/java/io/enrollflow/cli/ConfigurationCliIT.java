package io.enrollflow.cli;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollflowJar.Result;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §1 and §10: where settings come from, and how bad ones stop it. What depends on the process (its
 * working directory, its log output beside the error line, a worker that runs) uses the built jar as its own process,
 * one configuration error among them; the other errors and usage run in the test's JVM through picocli
 * ({@link InProcessCli}).
 */
class ConfigurationCliIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();

    @TempDir
    Path dir;

    @Test
    void badDurationFromTheEnvironmentStopsStartUpWithOneLineNamingTheKey() {
        Result result = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "dl ${courseUrl} ${taskDir}")
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_RETRY_INITIAL_DELAY", "abc")
                .run("run");

        assertConfigError(result, "enrollflow.retry.initial-delay");
    }

    @Test
    void badSettingIsReportedEvenWhileRedisIsUnreachable() {
        Result result = new InProcessCli()
                .env("ENROLLFLOW_REDIS_URL", "redis://127.0.0.1:" + BundledRedis.freePort())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "dl ${courseUrl} ${taskDir}")
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_RETRY_INITIAL_DELAY", "abc")
                .run("run");

        assertConfigError(result, "enrollflow.retry.initial-delay");
    }

    @Test
    void unknownDeliveryTargetInTheWorkingDirectoryFileStopsStartUp() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "enrollflow.redis.url=" + redis.url() + "\n"
                + "enrollflow.download.command=dl ${courseUrl} ${taskDir}\n"
                + "enrollflow.delivery.target=dropbox\n");

        assertConfigError(EnrollflowJar.in(dir).run(), "enrollflow.delivery.target");
    }

    @Test
    void anOperatorsCommandAgainstAnUnreachableRedisSaysSoInOneLine() {
        Result result = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", "redis://127.0.0.1:" + BundledRedis.freePort())
                .run("status", "39");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.stderrLines().size(), result.toString());
        assertTrue(result.stderr().startsWith("enrollflow: cannot reach Redis (enrollflow.redis.url): "), result.toString());
        assertFalse(result.stderr().contains("\tat "), "no stack trace:\n" + result);
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result result = new InProcessCli().run("--no-such-option");

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("--no-such-option"), result.toString());
    }

    @Test
    void configOptionNamesTheSettingsFileAndBeatsTheWorkingDirectoryOne() throws Exception {
        redis.client().getMap(RedisExtension.TASK_PREFIX + "77").put("status", "completed");
        Files.writeString(dir.resolve("application.properties"),
                "enrollflow.redis.url=redis://127.0.0.1:" + BundledRedis.freePort() + "\n");
        Path other = Files.writeString(dir.resolve("other.properties"), "enrollflow.redis.url=" + redis.url() + "\n");

        Result result = EnrollflowJar.in(dir).run("status", "77", "--config", other.toString());

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("completed"), result.toString());
    }

    @Test
    void routesOptionNamesTheFolderTheRoutesComeFrom() throws Exception {
        // a copy of the project's routes whose pipeline reads a queue no setting names: only --routes can bring it
        Path routes = Files.createDirectories(dir.resolve("my-routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName().toString()));
            }
        }
        Path pipeline = routes.resolve("pipeline.camel.yaml");
        Files.writeString(pipeline, Files.readString(pipeline).replace("redis-queue:{{enrollflow.queue.key}}", "redis-queue:routes:queue"));
        Script download = new DownloadScripts(dir.resolve("scripts")).writesCourse();

        try (EnrollflowJar.Running worker = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", download.command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                .start("run", "--routes", routes.toString())) {
            redis.lpush("routes:queue", aTask().id("41").json());

            awaitCompleted("41", worker);
        }
    }

    @Test
    void aRoutesFolderThatDoesNotExistIsAConfigurationError() {
        assertConfigError(new InProcessCli().env("ENROLLFLOW_DOWNLOAD_COMMAND", "dl ${taskDir}")
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder").run("run", "--routes", dir.resolve("nowhere").toString()), "--routes");
    }

    @Test
    void workingDirectorySettingsFileTakesEffect() throws Exception {
        Script download = new DownloadScripts(dir.resolve("scripts")).writesCourse();
        Files.writeString(dir.resolve("application.properties"), String.join("\n",
                "enrollflow.redis.url=" + redis.url(),
                "enrollflow.queue.key=custom:queue",
                "enrollflow.enroll.url=" + api.url(),
                "enrollflow.download.command=" + download.command(),
                "enrollflow.download.work-dir=" + dir.resolve("work"),
                "enrollflow.delivery.target=folder",
                "enrollflow.delivery.folder=" + dir.resolve("delivered"),
                "enrollflow.management.port=0", ""));

        try (EnrollflowJar.Running worker = EnrollflowJar.in(dir).start("run")) {
            redis.lpush("custom:queue", aTask().id("39").json());

            awaitCompleted("39", worker);

            assertEquals(0, worker.stop().exitCode(), "SIGTERM ends the worker with exit code 0");
        }
        assertTrue(Files.isRegularFile(dir.resolve("delivered/39").resolve(DownloadScripts.COURSE_FILE)));
        assertEquals(1, download.calls());
    }

    @Test
    void environmentVariablesTakeEffectAndSecretsStayOutOfLogsAndOfTheDownload() throws Exception {
        String token = "env-token-5f1c2a";
        Script download = new DownloadScripts(dir.resolve("scripts")).dumpsEnvironment();
        String log;
        try (EnrollflowJar.Running worker = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_QUEUE_KEY", "env:queue")
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_ENROLL_TOKEN", token)
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", download.command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                .start()) {
            redis.lpush("env:queue", aTask().id("40").email("buyer@example.com").json());

            awaitCompleted("40", worker);
            log = worker.stderr() + worker.stdout();
        }
        assertEquals("Bearer " + token, api.requests().get(0).header("Authorization"));
        assertTrue(log.contains("task=40"), log);
        assertFalse(log.contains(token), "the token was logged:\n" + log);
        assertFalse(log.contains("buyer@example.com"), "an email was logged in full:\n" + log);
        String environment = download.file("env");
        assertTrue(environment.contains("PATH="), environment);
        // of enrollflow's names only the run's mark (docs/contract.md §5), never a setting
        assertTrue(environment.lines().anyMatch(line -> line.startsWith("ENROLLFLOW_DOWNLOAD_RUN=")), environment);
        assertFalse(environment.lines().anyMatch(line -> line.contains("ENROLLFLOW_")
                && !line.startsWith("ENROLLFLOW_DOWNLOAD_RUN=")), "the download inherited enrollflow's variables:\n" + environment);
        assertFalse(environment.contains(token));
    }

    @Test
    void anEmptyQueueKeyFromTheEnvironmentMeansTheNamespacesQueue() throws Exception {
        try (EnrollflowJar.Running worker = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_REDIS_NAMESPACE", "shop-e")
                .env("ENROLLFLOW_QUEUE_KEY", "")
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", new DownloadScripts(dir.resolve("scripts")).writesCourse().command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                .start()) {
            redis.lpush("shop-e:tasks", aTask().id("41").json());

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertTrue(worker.isAlive(), "the worker exited:\n" + worker.stderr());
                assertEquals("completed", redis.client().getMap("shop-e:task:41", StringCodec.INSTANCE).get("status"));
            });
        }
    }

    @Test
    void missingConfigFileIsAConfigError() {
        Result result = new InProcessCli().run("status", "39", "--config", dir.resolve("nope.properties").toString());

        assertConfigError(result, "--config");
    }

    private void awaitCompleted(String taskId, EnrollflowJar.Running worker) {
        try {
            Pipeline.await(Duration.ofSeconds(45)).until(() -> {
                if (!worker.isAlive()) {
                    throw new AssertionError("the worker exited:\n" + worker.stderr());
                }
                return "completed".equals(redis.hash(taskId).get("status"));
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Map<String, String> status = redis.hash(taskId);
            throw new AssertionError("task " + taskId + " is " + status + "\n" + worker.stderr(), e);
        }
    }

    @Test
    void aClusterWithAPlainNamespaceStopsStartUpWithOneLineSayingToUseAHashTag() {
        Result result = new InProcessCli()
                .env("ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:" + BundledRedis.freePort())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "dl ${courseUrl} ${taskDir}")
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .run("run");

        assertConfigError(result, "enrollflow.redis.namespace");
        assertTrue(result.stderr().contains("use a hash tag such as {enrollflow}"), result.toString());
    }

    @Test
    void sentinelsAndClusterNodesTogetherStopStartUpWithOneLine() {
        Result result = new InProcessCli()
                .env("ENROLLFLOW_REDIS_SENTINELS", "127.0.0.1:26379")
                .env("ENROLLFLOW_REDIS_CLUSTER_NODES", "127.0.0.1:7000")
                .env("ENROLLFLOW_REDIS_NAMESPACE", "{enrollflow}")
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "dl ${courseUrl} ${taskDir}")
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .run("status", "39");

        assertConfigError(result, "enrollflow.redis.cluster-nodes");
    }

    private static void assertConfigError(Result result, String key) {
        assertEquals(2, result.exitCode(), result.toString());
        List<String> lines = result.stderrLines();
        assertEquals(1, lines.size(), "one line: " + result);
        assertTrue(lines.get(0).contains(key), result.toString());
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.toString());
    }
}

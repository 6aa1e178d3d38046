package io.enrollflow.ops;

import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisProcess;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §10, masking and redaction for every logger at every level: the built jar runs with an operator's
 * log configuration ({@code --log-config}) whose root is DEBUG and that holds no library back, against a Redis that
 * requires a password, with an enrollment token, a management token and buyers whose addresses include
 * {@code carol@intranet}. Redisson writes its connections, Apache HttpClient its headers and wire bytes, Camel its
 * error handler's view of a refused enrollment (whose message quotes the buyer). None of the secrets and none of the
 * buyers' addresses may appear anywhere in the output; the masked forms must.
 */
class DebugLogSecrecyIT {

    private static final String REDIS_PASSWORD = "redis-pw-4c1d9e7b";
    private static final String ENROLL_TOKEN = "enroll-tok-5b1e9c";
    private static final String MANAGEMENT_TOKEN = "mgmt-tok-8d02aa-91c4-e5f7";
    private static final String QUEUE = "debug:queue";

    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    Path dir;

    private RedisProcess redisServer;
    private RedissonClient redis;

    @BeforeEach
    void startRedisWithAPassword() {
        redisServer = RedisProcess.start(dir, false, "requirepass " + REDIS_PASSWORD);
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://" + redisServer.hostPort()).setPassword(REDIS_PASSWORD)
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
        redis = Redisson.create(config);
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) {
            redis.shutdown();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @ParameterizedTest(name = "enrollflow.log.format={0}")
    @ValueSource(strings = {"text", "json"})
    void atDebugForEveryLoggerNoSecretAndNoBuyersAddressIsWritten(String format) throws Exception {
        Path config = dir.resolve("debug-log4j2.xml");
        String layout = format.equals("json")
                ? "<JsonTemplateLayout eventTemplateUri=\"classpath:log4j2-json-layout.json\"/>"
                : "<PatternLayout pattern=\"%d %level %c - %safeMessage%n%safeException\"/>";
        Files.writeString(config, "<Configuration><Appenders><Console name=\"err\" target=\"SYSTEM_ERR\">" + layout
                + "</Console></Appenders><Loggers><Root level=\"debug\"><AppenderRef ref=\"err\"/></Root></Loggers>"
                + "</Configuration>");
        Tasks intranet = aTask().id("dbg-1").email("carol@intranet");
        Tasks refused = aTask().id("dbg-2").email("rita.refused@example.org")
                .courseUrl("https://courses.example.com/course/refused/");
        api.answer(refused.courseUrl(), Answer.rejected("user rita.refused@example.org (also carol@intranet) is suspended"));
        Path output = dir.resolve("enrollflow.log");

        try (EnrollflowJar.Running running = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", "redis://:" + REDIS_PASSWORD + "@" + redisServer.hostPort())
                .env("ENROLLFLOW_QUEUE_KEY", QUEUE)
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_ENROLL_TOKEN", ENROLL_TOKEN)
                .env("ENROLLFLOW_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN)
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0")
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", new DownloadScripts(dir.resolve("scripts")).writesCourse().command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_LOG_FORMAT", format)
                .logTo(output)
                .start("run", "--log-config", config.toString())) {
            for (Tasks task : List.of(intranet, refused)) {
                redis.getDeque(QUEUE, StringCodec.INSTANCE).addFirst(task.json());
            }
            Pipeline.await(Duration.ofSeconds(90)).until(() -> {
                assertTrue(running.isAlive(), "the worker exited:\n" + tail(output));
                return "completed".equals(status(intranet)) && "failed".equals(status(refused));
            });
            assertEquals("Bearer " + ENROLL_TOKEN, api.requests().get(0).header("Authorization"), "the token was in use");
            running.terminate();
            assertEquals(java.util.Optional.of(0), running.exitCode(Duration.ofSeconds(30)), tail(output));
        }

        String log = Files.readString(output, StandardCharsets.UTF_8);
        // the libraries did write at DEBUG (connections, headers, bodies, the refusal): what this test is about
        for (String logger : List.of("org.redisson.client.RedisConnection", "org.apache.hc.client5.http.headers",
                "org.apache.hc.client5.http.wire", "org.apache.camel.processor.errorhandler")) {
            assertTrue(log.contains(logger), "no DEBUG line of " + logger + ":\n" + tail(output));
        }
        assertTrue(log.contains("c***@intranet") && log.contains("r***@example.org"), "the buyers masked:\n" + tail(output));
        for (String secret : List.of(REDIS_PASSWORD, ENROLL_TOKEN, MANAGEMENT_TOKEN, "carol@intranet", "carol@",
                "rita.refused@", "rita.refused%40")) {
            int at = log.indexOf(secret);
            assertTrue(at < 0, "the log holds " + secret + ": …" + log.substring(Math.max(0, at - 300),
                    Math.min(log.length(), at + 300)) + "…");
        }
    }

    private String status(Tasks task) {
        return (String) redis.getMap("enrollflow:task:" + task.taskId(), StringCodec.INSTANCE).get("status");
    }

    /** The end of the output, for a failure message (a DEBUG log is long). */
    private static String tail(Path output) {
        try {
            String log = Files.readString(output, StandardCharsets.UTF_8);
            return log.substring(Math.max(0, log.length() - 20_000));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

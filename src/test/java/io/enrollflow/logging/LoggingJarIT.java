package io.enrollflow.logging;

import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollflowJar.Result;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logging of the built jar (a separate JVM, the jar's own log4j2.xml): the text lines operators grep, an operator's
 * own Log4j file given with {@code --log-config} (its levels per category and its layout), and mistakes in either
 * setting stopping start-up with one line, exit 2 and no stack trace from Log4j.
 */
class LoggingJarIT {

    /** slf4j-simple's shape, kept: {@code 2026-12-01T10:15:02.317+0000 INFO TaskIntake - task=39 ...}. */
    private static final Pattern TEXT_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} (TRACE|DEBUG|INFO|WARN|ERROR) [\\w$]+ - .*");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    Path dir;

    private EnrollflowJar worker(String queue) {
        return EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_QUEUE_KEY", queue)
                .env("ENROLLFLOW_ENROLL_URL", api.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", new DownloadScripts(dir.resolve("scripts")).writesCourse().command())
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", "0");
    }

    @Test
    void byDefaultEveryLineIsTextInTheShapeOperatorsGrepOnStderr() {
        Result result;
        try (EnrollflowJar.Running running = worker("log:text").start("run")) {
            redis.lpush("log:text", aTask().id("50").json());
            awaitStatus(running, "50", "completed");
            result = running.stop();
        }

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.stdout(), "the log is on stderr");
        List<String> lines = result.stderrLines();
        assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO TaskIntake - task=50 stage=intake outcome=taken ")),
                result.toString());
        for (String line : lines) {
            assertTrue(TEXT_LINE.matcher(line).matches(), "not a text log line: " + line + "\n" + result);
        }
    }

    @Test
    void anOperatorsLogConfigSetsTheLayoutAndTheLevelOfEachCategoryWithoutARebuild() throws Exception {
        Path config = dir.resolve("ops-log4j2.xml");
        Files.writeString(config, """
                <Configuration>
                    <Appenders>
                        <Console name="out" target="SYSTEM_ERR"><PatternLayout pattern="OPS %level %c - %m%n"/></Console>
                    </Appenders>
                    <Loggers>
                        <Logger name="org.apache.camel" level="warn"/>
                        <Logger name="io.enrollflow.enroll" level="debug"/>
                        <Root level="info"><AppenderRef ref="out"/></Root>
                    </Loggers>
                </Configuration>
                """);
        Result result;
        try (EnrollflowJar.Running running = worker("log:ops").start("run", "--log-config", config.toString())) {
            redis.lpush("log:ops", aTask().id("51").json());
            awaitStatus(running, "51", "completed");
            result = running.stop();
        }

        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.stderrLines();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("OPS ")), "the operator's layout:\n" + result);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("OPS INFO io.enrollflow.pipeline.TaskIntake - task=51 stage=intake outcome=taken ")),
                "enrollflow's INFO lines:\n" + result);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("OPS DEBUG io.enrollflow.enroll.") && l.contains("task=51")),
                "io.enrollflow.enroll at DEBUG:\n" + result);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("OPS INFO org.apache.camel")), "org.apache.camel at WARN:\n" + result);
    }

    @Test
    void aWrongLogFormatStopsStartUpWithOneLineNamingTheKey() {
        Result result = worker("log:bad").env("ENROLLFLOW_LOG_FORMAT", "xml").run("run");

        assertOneConfigLine(result, "enrollflow.log.format");
    }

    @Test
    void aLogConfigLog4jCannotUseStopsStartUpWithOneLineNamingTheOptionAndNoStackTrace() throws Exception {
        Path unknownAppender = dir.resolve("unknown.xml");
        Files.writeString(unknownAppender, "<Configuration><Appenders><Bogus name=\"x\"/></Appenders>"
                + "<Loggers><Root level=\"info\"><AppenderRef ref=\"x\"/></Root></Loggers></Configuration>");
        Path notXml = dir.resolve("cut.xml");
        Files.writeString(notXml, "<Configuration><Appenders>");
        for (Map.Entry<Path, String> file : Map.of(unknownAppender, "Bogus", notXml, "not well-formed",
                dir.resolve("missing.xml"), "cannot read").entrySet()) {
            Result result = worker("log:bad").run("run", "--log-config", file.getKey().toString());

            assertOneConfigLine(result, "--log-config");
            assertTrue(result.stderr().contains(file.getValue()), result.toString());
        }
    }

    private static void assertOneConfigLine(Result result, String key) {
        assertEquals(2, result.exitCode(), result.toString());
        List<String> lines = result.stderrLines();
        assertEquals(1, lines.size(), "one line: " + result);
        assertTrue(lines.get(0).startsWith("enrollflow: configuration error: " + key + ": "), result.toString());
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("StatusLogger")
                || result.stderr().contains("[Fatal Error]"), result.toString());
    }

    private static void awaitStatus(EnrollflowJar.Running running, String taskId, String status) {
        Pipeline.await(Duration.ofSeconds(60)).until(() -> {
            if (!running.isAlive()) {
                throw new AssertionError("the worker exited:\n" + running.stderr());
            }
            return status.equals(redis.hash(taskId).get("status"));
        });
    }
}

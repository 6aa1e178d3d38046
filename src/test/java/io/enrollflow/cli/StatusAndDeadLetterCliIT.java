package io.enrollflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollflowJar.Result;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §3 and §6 from the operator's side: {@code status} and {@code dlq}, over tasks the real pipeline ran
 * once for the class: 39 completed, 40 rejected at enrollment, 41 invalid at intake, 42 failed download (failed in that
 * order). The commands run in the test's JVM through picocli ({@link InProcessCli}); one test per command
 * ({@code status}, {@code dlq list}, {@code dlq show}, {@code dlq replay}, {@code dlq purge}, {@code intake}) runs the
 * built jar, for its wiring.
 */
class StatusAndDeadLetterCliIT {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.keepingDataBetweenTests();

    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void runTasksThroughThePipeline() throws Exception {
        redis.flushAll();
        try (EnrollmentApiStub api = new EnrollmentApiStub(); Pipeline pipeline = new Pipeline(redis, api)) {
            api.answer("https://courses.example.com/closed/", Answer.rejected("Course not found"));
            DownloadScripts.Script download = pipeline.scripts().custom("broken-or-fine", """
                    case "$2" in
                      *broken*) echo "fatal: the course server hung up"; exit 3 ;;
                    esac
                    mkdir -p "$1/Module 1" && echo lesson > "$1/Module 1/intro.txt"
                    """);
            pipeline.downloadCommand(download.command()).start();
            pipeline.push(aTask().id("39"));
            pipeline.awaitCompleted("39");
            pipeline.push(aTask().id("40").courseUrl("https://courses.example.com/closed/"));
            pipeline.awaitFailed("40");
            pipeline.push(aTask().id("41").without("email"));
            pipeline.awaitFailed("41");
            pipeline.push(aTask().id("42").courseUrl("https://courses.example.com/broken/"));
            pipeline.awaitFailed("42");
        }
    }

    @Test
    void statusPrintsTheStatusAndItsHistory() {
        Result result = jar("status", "39");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().lines().findFirst().orElse("").contains("completed"), result.stdout());
        assertInOrder(result.stdout(), "history", "processing", "enrolled", "downloading", "uploading", "completed");
    }

    @Test
    void statusJsonIsOneObjectWithTheHashAndItsHistory() throws Exception {
        Result result = cli("status", "39", "--json");

        assertEquals(0, result.exitCode(), result.toString());
        JsonNode status = JSON.readTree(result.stdout());
        assertTrue(status.isObject());
        assertEquals("completed", status.path("status").asText());
        assertEquals("1007", status.path("orderId").asText());
        assertTrue(status.path("deliveryUrl").asText().startsWith("file:"), status.toString());
        assertTrue(status.hasNonNull("updatedAt"));
        List<String> statuses = new ArrayList<>();
        for (JsonNode entry : status.path("history")) {
            assertTrue(entry.hasNonNull("at") && entry.has("message"), entry.toString());
            statuses.add(entry.path("status").asText());
        }
        assertEquals(List.of("processing", "enrolled", "downloading", "uploading", "completed"), statuses);
    }

    @Test
    void statusOfAFailedTaskShowsItsReason() throws Exception {
        JsonNode status = JSON.readTree(cli("status", "40", "--json").stdout());

        assertEquals("failed", status.path("status").asText());
        assertEquals("enrollment_rejected", status.path("reason").asText());
        assertEquals("Course not found", status.path("message").asText());
    }

    @Test
    void statusOfAnUnknownTaskExits1() {
        Result result = cli("status", "no-such-task");

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("no-such-task"), result.toString());
    }

    @Test
    void statusWithAnUnknownOptionIsAUsageError() {
        assertEquals(2, cli("status", "39", "--colour").exitCode());
    }

    @Test
    void dlqListJsonIsAnArrayOfRecordsNewestFirst() throws Exception {
        Result result = cli("dlq", "list", "--json");

        assertEquals(0, result.exitCode(), result.toString());
        JsonNode records = JSON.readTree(result.stdout());
        assertEquals(List.of("42", "41", "40"), ids(records));
        JsonNode newest = records.get(0);
        assertEquals("download", newest.path("stage").asText());
        assertEquals("download_failed", newest.path("reason").asText());
        assertEquals(3, newest.path("attempts").asInt());
        assertEquals("42", newest.path("task").path("taskId").asText());
    }

    @Test
    void dlqListFiltersByReason() throws Exception {
        assertEquals(List.of("40"), ids(JSON.readTree(cli("dlq", "list", "--reason", "enrollment_rejected", "--json").stdout())));
    }

    @Test
    void dlqListFiltersByStage() throws Exception {
        assertEquals(List.of("41"), ids(JSON.readTree(cli("dlq", "list", "--stage", "intake", "--json").stdout())));
    }

    @Test
    void dlqListStopsAtTheLimit() throws Exception {
        assertEquals(List.of("42", "41"), ids(JSON.readTree(cli("dlq", "list", "--limit", "2", "--json").stdout())));
    }

    @Test
    void dlqListOffsetPagesFurther() throws Exception {
        assertEquals(List.of("41", "40"),
                ids(JSON.readTree(cli("dlq", "list", "--limit", "2", "--offset", "1", "--json").stdout())));
        assertEquals(List.of(), ids(JSON.readTree(cli("dlq", "list", "--offset", "3", "--json").stdout())));
        String table = cli("dlq", "list", "--limit", "2").stdout();
        assertTrue(table.contains("2 shown of 3 (--offset 2 for the next page)"), table);
    }

    @Test
    void dlqListWithALimitOrOffsetOutOfRangeIsAUsageError() {
        assertEquals(2, cli("dlq", "list", "--limit", "1001").exitCode());
        assertEquals(2, cli("dlq", "list", "--offset", "-1").exitCode());
    }

    @Test
    void dlqListPrintsATable() {
        Result result = jar("dlq", "list");

        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.stdout().lines().toList();
        assertTrue(lines.get(0).contains("TASK") && lines.get(0).contains("REASON"), result.stdout());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("40 ") && line.contains("enrollment_rejected")
                && line.contains("Course not found")), result.stdout());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("42 ") && line.contains("download_failed")), result.stdout());
    }

    @Test
    void dlqListWithAnUnknownReasonIsAUsageError() {
        assertEquals(2, cli("dlq", "list", "--reason", "bogus").exitCode());
    }

    @Test
    void dlqShowPrintsTheRecordWithTheDownloadLog() {
        Result result = jar("dlq", "show", "42");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("download_failed"), result.stdout());
        assertTrue(result.stdout().contains("fatal: the course server hung up"), result.stdout());
        assertTrue(result.stdout().contains("https://courses.example.com/broken/"), result.stdout());
    }

    @Test
    void dlqShowJsonIsTheRecord() throws Exception {
        JsonNode record = JSON.readTree(cli("dlq", "show", "41", "--json").stdout());

        assertEquals("41", record.path("taskId").asText());
        assertEquals("intake", record.path("stage").asText());
        assertEquals("invalid_task", record.path("reason").asText());
        assertTrue(record.hasNonNull("firstFailedAt") && record.hasNonNull("lastFailedAt") && record.has("replays"));
    }

    @Test
    void dlqShowOfAnUnknownTaskExits1() {
        assertEquals(1, cli("dlq", "show", "39").exitCode(), "39 completed: it has no dead letter");
    }

    @Test
    void dlqReplayOfTheBuiltJarAnswersAnAmbiguousSelectionWithAUsageError() {
        Result result = jar("dlq", "replay", "--all", "--reason", "download_failed");

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("name the tasks to replay, or give --all"), result.toString());
    }

    @Test
    void dlqPurgeAllOfTheBuiltJarAsksForYesAndRemovesNothing() throws Exception {
        Result result = jar("dlq", "purge", "--all");

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("add --yes to confirm"), result.toString());
        assertEquals(List.of("42", "41", "40"), ids(JSON.readTree(cli("dlq", "list", "--json").stdout())));
    }

    @Test
    void intakeStatusOfTheBuiltJarSaysIntakeRuns() {
        Result result = jar("intake", "status");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().startsWith("intake running; "), result.toString());
    }

    private static Result cli(String... args) {
        return new InProcessCli().env("ENROLLFLOW_REDIS_URL", redis.url()).run(args);
    }

    /** The built jar as its own process: the command's wiring in the jar (main, logging, exit code). */
    private static Result jar(String... args) {
        return EnrollflowJar.in(dir).env("ENROLLFLOW_REDIS_URL", redis.url()).run(args);
    }

    private static List<String> ids(JsonNode records) {
        assertTrue(records.isArray(), records.toString());
        List<String> ids = new ArrayList<>();
        records.forEach(record -> ids.add(record.path("taskId").asText()));
        return ids;
    }

    private static void assertInOrder(String text, String... words) {
        int from = 0;
        for (String word : words) {
            int at = text.indexOf(word, from);
            assertTrue(at >= 0, "\"" + word + "\" after position " + from + " in:\n" + text);
            from = at + word.length();
        }
    }
}

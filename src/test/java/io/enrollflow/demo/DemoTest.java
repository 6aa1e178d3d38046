package io.enrollflow.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {

    private static final DemoTask COMPLETES = new DemoTask("demo-1", "1", "java-101", "a@example.com", 720, true, "");
    private static final DemoTask REJECTED = new DemoTask("demo-5", "5", "nope", "e@example.com", 720, false, "");

    @Test
    void tasksThatEndAsExpectedWithTheirFoldersAreNotReported(@TempDir Path delivered) throws Exception {
        Files.createDirectories(delivered.resolve("demo-1"));

        List<String> problems = Demo.unexpected(List.of(COMPLETES, REJECTED),
                Map.of("demo-1", Map.of("status", "completed"), "demo-5", Map.of("status", "failed")), delivered);

        assertEquals(List.of(), problems);
    }

    @Test
    void aTaskThatFailsWhereItShouldCompleteIsReportedWithItsReason(@TempDir Path delivered) {
        List<String> problems = Demo.unexpected(List.of(COMPLETES),
                Map.of("demo-1", Map.of("status", "failed", "reason", "download_failed", "message", "exit 1")), delivered);

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("download_failed"), problems.get(0));
    }

    @Test
    void aCompletedTaskWithoutItsDeliveredFolderIsReported(@TempDir Path delivered) {
        List<String> problems = Demo.unexpected(List.of(COMPLETES), Map.of("demo-1", Map.of("status", "completed")),
                delivered);

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("missing"), problems.get(0));
    }

    @Test
    void theSamplesHoldExactlyOneTaskThatIsRejectedOnPurpose() {
        assertEquals(1, DemoTask.samples().stream().filter(t -> !t.completes()).count());
        assertTrue(DemoTask.samples().stream().filter(t -> !t.completes())
                .noneMatch(t -> SampleEnrollmentService.CATALOGUE.contains(t.course())));
    }
}

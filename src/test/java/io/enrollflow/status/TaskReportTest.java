package io.enrollflow.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaskReportTest {

    @Test
    void aReportHasTheTaskIdEveryHashFieldAndTheHistoryAsObjects() {
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put("status", "completed");
        hash.put("attempts", "2");

        ObjectNode report = TaskReport.json("39", hash, List.of("{\"status\":\"completed\",\"at\":\"t2\"}",
                "{\"status\":\"queued\",\"at\":\"t1\"}"));

        assertEquals("{\"taskId\":\"39\",\"status\":\"completed\",\"attempts\":\"2\",\"history\":["
                + "{\"status\":\"completed\",\"at\":\"t2\"},{\"status\":\"queued\",\"at\":\"t1\"}]}", report.toString());
    }

    @Test
    void aHistoryEntryThatIsNotJsonIsAFailureNotASilentGap() {
        assertThrows(UncheckedIOException.class, () -> TaskReport.json("39", Map.of("status", "queued"), List.of("{not json")));
    }
}

package io.enrollflow.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One task's status as JSON (docs/contract.md §3, §8): {@code taskId}, every field of its status hash, and {@code history}
 * (its transitions, newest first). The API's {@code GET /api/tasks/{id}} and the CLI's {@code status --json} both
 * answer with it.
 */
public final class TaskReport {

    private static final ObjectMapper JSON = Json.MAPPER;

    private TaskReport() {
    }

    /** The task's report; null when it has no status hash. */
    public static ObjectNode of(StatusStore status, String taskId) {
        Map<String, String> hash = status.read(taskId);
        return hash.isEmpty() ? null : json(taskId, hash, status.history(taskId));
    }

    /** The report from a hash and history already read. */
    public static ObjectNode json(String taskId, Map<String, String> hash, List<String> history) {
        ObjectNode body = JSON.createObjectNode();
        body.put("taskId", taskId);
        hash.forEach(body::put);
        ArrayNode entries = body.putArray("history");
        for (String entry : history) {
            try {
                entries.add(JSON.readTree(entry));
            } catch (IOException e) {
                // the status scripts write every entry as JSON: one that is not is a bug worth a loud failure
                throw new UncheckedIOException("history entry of " + taskId + " is not JSON", e);
            }
        }
        return body;
    }
}

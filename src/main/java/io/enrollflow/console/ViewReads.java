package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.util.Json;
import org.redisson.api.RFuture;

import java.util.List;

/** How the console's views read Redis's replies: a batch's answers, counters, and the JSON a queue or history holds. */
final class ViewReads {

    private static final ObjectMapper JSON = Json.MAPPER;

    private ViewReads() {
    }

    /** The task id a stored payload names (taskId, id or task_id), or null when it names none or is not JSON. */
    static String taskIdOf(String raw) {
        return taskIdOf(parse(raw));
    }

    static String taskIdOf(JsonNode node) {
        if (node == null) {
            return null;
        }
        for (String name : List.of("taskId", "id", "task_id")) {
            if (node.hasNonNull(name) && node.get(name).isValueNode()) {
                return node.get(name).asText();
            }
        }
        return null;
    }

    /** A JSON object, or null when the text is not one. */
    static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException notJson) {
            // not JSON (an invalid task): shown by its raw text only
            return null;
        }
    }

    /** A counter's value; 0 when it is missing or not a number. */
    static long number(Object value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(String.valueOf(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A hash field's value; empty when missing. */
    static String str(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    /** One answer of a batch that was executed. */
    static <T> T join(RFuture<T> future) {
        return future.toCompletableFuture().join();
    }
}

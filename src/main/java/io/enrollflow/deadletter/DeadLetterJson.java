package io.enrollflow.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskParser;
import io.enrollflow.task.TaskRun;
import io.enrollflow.util.Json;

import java.util.Map;

/**
 * The JSON of a dead-letter record as {@link DeadLetterStore#record} writes it (docs/contract.md §6): the task as received,
 * where and why it failed, its attempts and replays (from its status hash), and the download log's tail.
 * {@link DeadLetter} reads it back.
 */
final class DeadLetterJson {

    /**
     * The most characters of a payload a record keeps. A payload over the intake's {@link TaskParser#MAX_PAYLOAD_BYTES}
     * is refused unparsed; its text is kept cut to as many characters (at least that many bytes, at most four times).
     */
    static final int MAX_KEPT_PAYLOAD_CHARS = TaskParser.MAX_PAYLOAD_BYTES;

    private static final ObjectMapper JSON = Json.MAPPER;

    private DeadLetterJson() {
    }

    /**
     * The record of a run that failed now.
     *
     * @param key  the record's key: the task id, or {@code invalid-<n>}
     * @param hash the task's status hash (empty when it has none)
     * @param now  the failure's time, ISO-8601
     */
    static String record(String key, TaskRun run, Stage stage, FailureReason reason, String message,
                         Map<String, String> hash, String now) {
        ObjectNode record = JSON.createObjectNode();
        record.put("taskId", key);
        record.set("task", payloadNode(run.raw()));
        record.put("stage", stage.word());
        record.put("reason", reason.word());
        record.put("message", message);
        record.put("attempts", Integer.parseInt(hash.getOrDefault("attempts", "1")));
        record.put("firstFailedAt", hash.getOrDefault("firstFailedAt", now));
        record.put("lastFailedAt", now);
        record.put("replays", Integer.parseInt(hash.getOrDefault("replays", "0")));
        if (run.downloadLogTail() != null) {
            record.put("log", run.downloadLogTail());
        }
        return Json.write(record);
    }

    /** The payload as received: its JSON when it is JSON, else its text (cut at {@link #MAX_KEPT_PAYLOAD_CHARS}). */
    private static JsonNode payloadNode(String raw) {
        if (raw.length() <= MAX_KEPT_PAYLOAD_CHARS) {
            try {
                return JSON.readTree(raw);
            } catch (Exception notJson) {
                // not JSON: keep the text as it came
            }
        }
        return JSON.getNodeFactory().textNode(cut(raw));
    }

    /** The payload's text as a record keeps it: at most {@link #MAX_KEPT_PAYLOAD_CHARS}. */
    static String cut(String raw) {
        return raw.length() > MAX_KEPT_PAYLOAD_CHARS ? raw.substring(0, MAX_KEPT_PAYLOAD_CHARS) : raw;
    }
}

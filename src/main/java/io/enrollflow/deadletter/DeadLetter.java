package io.enrollflow.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.util.Json;

import java.io.UncheckedIOException;

/** A dead-letter record as stored (docs/contract.md §6), with typed access to the fields listings filter and print. */
public record DeadLetter(ObjectNode json) {

    private static final ObjectMapper JSON = Json.MAPPER;

    static DeadLetter parse(String text) {
        try {
            return new DeadLetter((ObjectNode) JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String taskId() {
        return json.path("taskId").asText();
    }

    public String stage() {
        return json.path("stage").asText();
    }

    public String reason() {
        return json.path("reason").asText();
    }

    public String message() {
        return json.path("message").asText();
    }

    public int attempts() {
        return json.path("attempts").asInt();
    }

    public int replays() {
        return json.path("replays").asInt();
    }

    public String lastFailedAt() {
        return json.path("lastFailedAt").asText();
    }

    public JsonNode task() {
        return json.path("task");
    }
}

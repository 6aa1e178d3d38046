package io.enrollflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds task payloads as the backend pushes them (docs/contract.md §2). A fresh builder is a valid task with its own id:
 * <pre>{@code
 * String json = aTask().id("39").courseUrl("https://courses.example.com/c/").email("b@example.com").json();
 * String alias = aTask().without("taskId").with("task_id", 42).json();
 * }</pre>
 * Values are set as JSON values of their own type ({@link #with(String, Object)} with a number gives a number).
 */
public final class Tasks {

    /** The course URL of a default task. */
    public static final String COURSE_URL = "https://courses.example.com/course/java-101/";
    /** The buyer of a default task. */
    public static final String EMAIL = "buyer@example.com";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger(100);

    private final ObjectNode fields = JSON.createObjectNode();

    private Tasks() {
        fields.put("taskId", "t" + SEQUENCE.incrementAndGet());
        fields.put("orderId", "1007");
        fields.put("courseUrl", COURSE_URL);
        fields.put("email", EMAIL);
    }

    /** A valid task with a fresh id, orderId 1007, {@link #COURSE_URL}, {@link #EMAIL} and no quality. */
    public static Tasks aTask() {
        return new Tasks();
    }

    public Tasks id(String taskId) {
        return with("taskId", taskId);
    }

    public Tasks orderId(String orderId) {
        return with("orderId", orderId);
    }

    public Tasks courseUrl(String courseUrl) {
        return with("courseUrl", courseUrl);
    }

    public Tasks email(String email) {
        return with("email", email);
    }

    public Tasks quality(int quality) {
        return with("quality", quality);
    }

    /** Sets any field (a String, a Number, a Boolean, a JsonNode, or null for JSON null). */
    public Tasks with(String field, Object value) {
        if (value == null) {
            fields.putNull(field);
        } else if (value instanceof JsonNode node) {
            fields.set(field, node);
        } else if (value instanceof Integer n) {
            fields.put(field, n);
        } else if (value instanceof Long n) {
            fields.put(field, n);
        } else if (value instanceof Boolean b) {
            fields.put(field, b);
        } else {
            fields.put(field, String.valueOf(value));
        }
        return this;
    }

    /** Removes a field. */
    public Tasks without(String field) {
        fields.remove(field);
        return this;
    }

    /** The task id as set (the {@code taskId} field). */
    public String taskId() {
        return fields.path("taskId").asText();
    }

    /** The course URL as set. */
    public String courseUrl() {
        return fields.path("courseUrl").asText();
    }

    /** The payload. */
    public String json() {
        return fields.toString();
    }

    @Override
    public String toString() {
        return json();
    }
}

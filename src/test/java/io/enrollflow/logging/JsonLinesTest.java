package io.enrollflow.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** enrollflow.log.format=json: the jar's template (log4j2-json-layout.json) with the messageFields resolver. */
class JsonLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonTemplateLayout layout = JsonTemplateLayout.newBuilder()
            .setConfiguration(new DefaultConfiguration())
            .setEventTemplateUri("classpath:log4j2-json-layout.json")
            .build();

    private String line(Level level, Throwable thrown, String format, Object... args) {
        return layout.toSerializable(Log4jLogEvent.newBuilder()
                .setLoggerName("io.enrollflow.pipeline.FailureHandler")
                .setLevel(level)
                .setThreadName("redis-queue-worker-1")
                .setTimeMillis(1_796_113_302_317L)
                .setMessage(new ParameterizedMessage(format, args))
                .setThrown(thrown)
                .build());
    }

    @Test
    void aTaskLineIsOneJsonObjectWithEachKeyValueAsAField() throws Exception {
        String line = line(Level.WARN, null, "task={} stage={} outcome=failed reason={} attempts={} message=\"{}\"",
                "39", "enroll", "enrollment_rejected", 1, "user b***@example.com is \"suspended\"");

        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode json = JSON.readTree(line);
        assertEquals("2026-12-01T08:21:42.317Z", json.get("timestamp").asText());
        assertEquals("WARN", json.get("level").asText());
        assertEquals("io.enrollflow.pipeline.FailureHandler", json.get("logger").asText());
        assertEquals("redis-queue-worker-1", json.get("thread").asText());
        assertEquals("task=39 stage=enroll outcome=failed reason=enrollment_rejected attempts=1 "
                + "message=\"user b***@example.com is \"suspended\"\"", json.get("message").asText());
        assertEquals("39", json.get("task").asText());
        assertEquals("enroll", json.get("stage").asText());
        assertEquals("failed", json.get("outcome").asText());
        assertEquals("enrollment_rejected", json.get("reason").asText());
        assertEquals("1", json.get("attempts").asText(), "values stay strings");
        assertEquals("user b***@example.com is \"suspended\"", json.get("kv_message").asText(),
                "a key the template uses itself is prefixed, never doubled");
        assertFalse(json.has("exception"));
    }

    @Test
    void aLineWithoutPairsHasOnlyTheTemplatesFieldsAndAnExceptionIsOneStringField() throws Exception {
        JsonNode json = JSON.readTree(line(Level.ERROR, new IllegalStateException("boom"), "Apache Camel 4.17.0 (enrollflow) shut down"));

        List<String> names = List.copyOf(iterable(json));
        assertEquals(List.of("timestamp", "level", "logger", "thread", "message", "exception"), names);
        assertTrue(json.get("exception").asText().startsWith("java.lang.IllegalStateException: boom"), json.toString());
    }

    private static List<String> iterable(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

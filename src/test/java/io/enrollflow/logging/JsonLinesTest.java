package io.enrollflow.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.enrollflow.logging.TextLinesTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * enrollflow.log.format=json: the jar's template (log4j2-json-layout.json) with enrollflow's resolvers: each field of
 * an enrollflow line a JSON field of its own, read as data and never parsed out of text, so no value can add a field.
 */
class JsonLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonTemplateLayout layout = JsonTemplateLayout.newBuilder()
            .setConfiguration(new DefaultConfiguration())
            .setEventTemplateUri("classpath:log4j2-json-layout.json")
            .build();

    private String line(Level level, Throwable thrown, Message message) {
        return layout.toSerializable(Log4jLogEvent.newBuilder()
                .setLoggerName("io.enrollflow.pipeline.FailureHandler")
                .setLevel(level)
                .setThreadName("redis-queue-worker-1")
                .setTimeMillis(1_796_113_302_317L)
                .setMessage(message)
                .setThrown(thrown)
                .build());
    }

    private JsonNode json(String line) throws Exception {
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        return JSON.readTree(line);
    }

    @Test
    void aTaskLineIsOneJsonObjectWithEachFieldAsAField() throws Exception {
        String line = line(Level.WARN, null, event().task("39").stage("enroll").outcome("failed")
                .kv("reason", "enrollment_rejected").kv("attempts", 1)
                .kv("message", "user buyer@example.com is \"suspended\"").message());

        JsonNode json = json(line);
        assertEquals("2026-12-01T08:21:42.317Z", json.get("timestamp").asText());
        assertEquals("WARN", json.get("level").asText());
        assertEquals("io.enrollflow.pipeline.FailureHandler", json.get("logger").asText());
        assertEquals("redis-queue-worker-1", json.get("thread").asText());
        assertEquals("task=39 stage=enroll outcome=failed reason=enrollment_rejected attempts=1 "
                + "message=\"user b***@example.com is \\\"suspended\\\"\"", json.get("message").asText(),
                "the message is the text format's");
        assertEquals("39", json.get("task").asText());
        assertEquals("enroll", json.get("stage").asText());
        assertEquals("failed", json.get("outcome").asText());
        assertEquals("enrollment_rejected", json.get("reason").asText());
        assertEquals("1", json.get("attempts").asText(), "values stay strings");
        assertEquals("user b***@example.com is \"suspended\"", json.get("kv_message").asText(),
                "a key the template uses itself is prefixed, never doubled");
        assertFalse(json.has("exception"));
        assertEquals(List.of("timestamp", "level", "logger", "thread", "message", "task", "stage", "outcome", "reason",
                "attempts", "kv_message"), names(json), "the fields in the order given, task first");
    }

    @Test
    void aLineWithoutFieldsHasOnlyTheTemplatesFieldsAndAnExceptionIsOneStringField() throws Exception {
        JsonNode json = json(line(Level.ERROR, new IllegalStateException("boom"),
                new SimpleMessage("Apache Camel 4.17.0 (enrollflow) shut down routes=7 uri=redis-queue://x?a=b")));

        assertEquals(List.of("timestamp", "level", "logger", "thread", "message", "exception"), names(json),
                "a library's key=value words are text, not fields");
        assertEquals("Apache Camel 4.17.0 (enrollflow) shut down routes=7 uri=redis-queue://x?a=b", json.get("message").asText());
        assertTrue(json.get("exception").asText().startsWith("java.lang.IllegalStateException: boom"), json.toString());
    }

    @Test
    void aValueThatLooksLikeFieldsIsOneFieldAndHidesNothingRaw() throws Exception {
        String forged = "ok\" delivery_url=\"https://evil.example/steal\" level=\"INFO\n2026-12-01T10:15:02.317+0000 INFO"
                + " DeliveryStep - task=victim-9 stage=deliver outcome=completed \u001b[2J\u202egnp.exe\u2028\u2029\u0085";

        String line = line(Level.INFO, null, event().task("50").stage("enroll").outcome("enrolled")
                .kv("http_status", 200).kv("message", forged).message());

        JsonNode json = json(line);
        assertEquals(List.of("timestamp", "level", "logger", "thread", "message", "task", "stage", "outcome", "http_status",
                "kv_message"), names(json), line);
        assertEquals("INFO", json.get("level").asText());
        assertEquals(forged, json.get("kv_message").asText(), "read back as logged");
        assertFalse(json.has("delivery_url"), line);
        for (char c : "\u001b\u202e\u2028\u2029\u0085".toCharArray()) {
            assertFalse(line.indexOf(c) >= 0, "raw U+" + Integer.toHexString(c) + " in " + line);
            assertFalse(json.get("message").asText().indexOf(c) >= 0, "the message holds U+" + Integer.toHexString(c));
        }
    }

    @Test
    void aLibrarysMessageAndAnExceptionAreMaskedAndEscaped() throws Exception {
        JsonNode json = json(line(Level.DEBUG, new IllegalStateException("for carol@intranet\nforged"),
                new SimpleMessage("http-outgoing-0 >> \"Authorization: Bearer enroll-tok-5b1e9c[\\r][\\n]\" "
                        + "{\"email\":\"carol@intranet\"}\u202e")));

        assertEquals("http-outgoing-0 >> \"Authorization: ***[\\r][\\n]\" {\"email\":\"c***@intranet\"}\\u202e",
                json.get("message").asText());
        assertTrue(json.get("exception").asText().startsWith("java.lang.IllegalStateException: for c***@intranet\\nforged\n"),
                json.get("exception").asText());
    }

    private static List<String> names(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

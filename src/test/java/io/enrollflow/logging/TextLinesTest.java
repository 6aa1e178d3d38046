package io.enrollflow.logging;

import io.enrollflow.testing.Logfmt;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default format: the text layout of the jar's log4j2.xml writes the lines operators and tests grep, each value
 * escaped when it is written, so that no value (and no library's message) can start a line or add a field.
 */
class TextLinesTest {

    private static final String NL = System.lineSeparator();

    private final PatternLayout layout = PatternLayout.newBuilder()
            .withConfiguration(new DefaultConfiguration())
            .withPattern(jarPattern())
            .build();

    static Event event() {
        return Event.info(LogManager.getLogger(TextLinesTest.class));
    }

    private String line(Message message, Throwable thrown) {
        return layout.toSerializable(Log4jLogEvent.newBuilder()
                .setLoggerName("io.enrollflow.pipeline.FailureHandler")
                .setLevel(Level.WARN)
                .setTimeMillis(1_796_113_302_317L)
                .setMessage(message)
                .setThrown(thrown)
                .build());
    }

    private String line(Throwable thrown) {
        return line(event().task("39").stage("enroll").outcome("failed").kv("reason", "enrollment_rejected").message(),
                thrown);
    }

    /** The part of a one-line text after {@code " - "}, without the line separator. */
    private String message(Message message) {
        String line = line(message, null);
        assertTrue(line.endsWith(NL) && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        return line.substring(line.indexOf(" - ") + 3, line.length() - NL.length());
    }

    @Test
    void aLineIsTimeLevelShortLoggerNameAndTheMessage() {
        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochMilli(1_796_113_302_317L));

        assertEquals(time + " WARN FailureHandler - task=39 stage=enroll outcome=failed reason=enrollment_rejected"
                + NL, line(null));
    }

    @Test
    void aStackTraceFollowsOnTheNextLinesAsPrintStackTraceWritesIt() {
        String line = line(new IllegalStateException("boom"));

        String[] lines = line.split(NL);
        assertTrue(lines[0].endsWith(" - task=39 stage=enroll outcome=failed reason=enrollment_rejected"), line);
        assertEquals("java.lang.IllegalStateException: boom", lines[1], line);
        assertTrue(lines[2].startsWith("\tat io.enrollflow.logging.TextLinesTest."), line);
    }

    @Test
    void theTaskComesFirstAndTheOtherFieldsInTheOrderGiven() {
        assertEquals("task=39 stage=intake outcome=taken attempt=1 order=1007 email=b***@example.com",
                message(event().stage("intake").outcome("taken").kv("attempt", 1).kv("order", "1007")
                        .email("buyer@example.com").task(39).message()));
        assertEquals("task=- stage=startup outcome=redis-back", message(event().stage("startup").outcome("redis-back").message()));
    }

    @Test
    void valuesAreQuotedOnlyWhenTheyMustBeAndReadBackWhole() {
        // what KeyValues could only guess at: spaces, quotes, equals signs and a quote left open are plain data
        assertEquals("task=39 stage=enroll outcome=rejected reason=\"course not found\"",
                message(event().task(39).stage("enroll").outcome("rejected").kv("reason", "course not found").message()));
        assertEquals("task=7 error=\"Expected \\\"x\\\" got a=b\" note=retry",
                message(event().task(7).error("Expected \"x\" got a=b").note("retry").message()));
        assertEquals("task=7 error=\"cut off \\\"here\"", message(event().task(7).error("cut off \"here").message()));
        assertEquals("task=- delegate=\"\" root=\"\" path=\"C:\\\\tmp\" uri=\"redis-queue://x?a=b\" url=https://h/x",
                message(event().kv("delegate", "").kv("root", "").kv("path", "C:\\tmp").kv("uri", "redis-queue://x?a=b")
                        .kv("url", "https://h/x").message()));
    }

    @Test
    void aKeyGivenTwiceKeepsItsPlaceAndTheLastValue() {
        assertEquals("task=- routes=8 uri=x", message(event().kv("routes", 7).kv("uri", "x").kv("routes", 8).message()));
    }

    @Test
    void aForgedLineInsideAValueStaysInsideItsValue() {
        String forged = "ok\n2026-12-01T10:15:02.317+0000 INFO DeliveryStep - task=victim-9 stage=deliver outcome=completed"
                + " \u001b[2J\u202egnp.exe\u2028\u2029\u0085\r";

        String line = line(event().task("50").stage("enroll").outcome("enrolled").kv("http_status", 200)
                .kv("message", forged).message(), null);

        assertTrue(line.indexOf('\n') == line.length() - 1 && line.indexOf('\r') < 0, "one line: " + line);
        for (char c : "\u001b\u202e\u2028\u2029\u0085".toCharArray()) {
            assertFalse(line.indexOf(c) >= 0, "raw U+" + Integer.toHexString(c) + " in " + line);
        }
        assertTrue(line.endsWith(" - task=50 stage=enroll outcome=enrolled http_status=200 message=\"ok\\n2026-12-01T10:15:02.317+0000"
                + " INFO DeliveryStep - task=victim-9 stage=deliver outcome=completed \\u001b[2J\\u202egnp.exe\\u2028\\u2029"
                + "\\u0085\\r\"" + NL), line);
        assertEquals(Map.of("task", "50", "stage", "enroll", "outcome", "enrolled", "http_status", "200", "message", forged),
                Logfmt.parse(line.substring(line.indexOf(" - ") + 3, line.length() - NL.length())));
    }

    @Test
    void anyValueReadsBackAsItsOwnFieldAndNothingElse() {
        Random random = new Random(23);
        String alphabet = "a =\"\\\n\r\t\u001b\u007f\u0085\u00a0\u061c\u200e\u202a\u202e\u2028\u2029\u2066\ud83d\ude00\ud800é@.";
        for (int n = 0; n < 5_000; n++) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("task", "t" + n);
            Event event = event().task("t" + n);
            for (String key : List.of("message", "note", "error")) {
                StringBuilder value = new StringBuilder();
                for (int i = random.nextInt(12); i > 0; i--) {
                    value.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                fields.put(key, value.toString());
                event.kv(key, value.toString());
            }
            String text = message(event.message());

            for (int i = 0; i < text.length(); i++) {
                assertFalse(Escape.hidden(text.charAt(i)), "a raw U+" + Integer.toHexString(text.charAt(i)) + " in " + text);
            }
            // what a logfmt reader gets, with addresses masked as the layout masks them
            Map<String, String> expected = new LinkedHashMap<>();
            fields.forEach((k, v) -> expected.put(k, Scrub.text(v)));
            assertEquals(expected, Logfmt.parse(text), text);
        }
    }

    @Test
    void aLibrarysMessageAndAnExceptionsMessageAreEscapedWhereverTheyAppear() {
        Throwable thrown = new IllegalStateException("caught\n2026-12-01 INFO DeliveryStep - task=victim-9\u202e",
                new RuntimeException("user carol@intranet\u2028is suspended"));

        String line = line(new SimpleMessage("Failed delivery\r\nfor carol@intranet \u001b[31m"), thrown);

        String[] lines = line.split(NL);
        assertTrue(lines[0].endsWith(" - Failed delivery\\r\\nfor c***@intranet \\u001b[31m"), line);
        assertEquals("java.lang.IllegalStateException: caught\\n2026-12-01 INFO DeliveryStep - task=victim-9\\u202e", lines[1]);
        assertTrue(line.contains(NL + "Caused by: java.lang.RuntimeException: user c***@intranet\\u2028is suspended" + NL), line);
        for (String l : lines) {
            assertFalse(l.startsWith("2026-12-01 INFO"), line);
        }
        assertFalse(line.contains("carol@") || line.contains("\u202e") || line.contains("\u2028") || line.contains("\u001b"), line);
    }

    /** The PatternLayout pattern in src/main/resources/log4j2.xml. */
    static String jarPattern() {
        try (InputStream in = TextLinesTest.class.getClassLoader().getResourceAsStream("log4j2.xml")) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<PatternLayout pattern=\"([^\"]+)\"").matcher(xml);
            assertTrue(m.find(), "log4j2.xml has a PatternLayout");
            return m.group(1).replace("&apos;", "'");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.enrollflow.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default format: the text layout of the jar's log4j2.xml writes the lines operators and tests grep. */
class TextLinesTest {

    private final PatternLayout layout = PatternLayout.newBuilder()
            .withConfiguration(new DefaultConfiguration())
            .withPattern(jarPattern())
            .build();

    private String line(Throwable thrown) {
        return layout.toSerializable(Log4jLogEvent.newBuilder()
                .setLoggerName("io.enrollflow.pipeline.FailureHandler")
                .setLevel(Level.WARN)
                .setTimeMillis(1_796_113_302_317L)
                .setMessage(new ParameterizedMessage("task={} stage=enroll outcome=failed reason={}", "39", "enrollment_rejected"))
                .setThrown(thrown)
                .build());
    }

    @Test
    void aLineIsTimeLevelShortLoggerNameAndTheMessage() {
        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochMilli(1_796_113_302_317L));

        assertEquals(time + " WARN FailureHandler - task=39 stage=enroll outcome=failed reason=enrollment_rejected"
                + System.lineSeparator(), line(null));
    }

    @Test
    void aStackTraceFollowsOnTheNextLinesAsPrintStackTraceWritesIt() {
        String line = line(new IllegalStateException("boom"));

        String[] lines = line.split(System.lineSeparator());
        assertTrue(lines[0].endsWith(" - task=39 stage=enroll outcome=failed reason=enrollment_rejected"), line);
        assertEquals("java.lang.IllegalStateException: boom", lines[1], line);
        assertTrue(lines[2].startsWith("\tat io.enrollflow.logging.TextLinesTest."), line);
    }

    /** The PatternLayout pattern in src/main/resources/log4j2.xml. */
    private static String jarPattern() {
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

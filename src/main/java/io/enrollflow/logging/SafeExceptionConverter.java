package io.enrollflow.logging;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;

/**
 * {@code %safeException}, the text format's stack trace in place of {@code %ex}: on the lines below the event, as
 * {@code printStackTrace} writes it, each exception's message scrubbed and escaped ({@link StackTraces}). It handles
 * the event's exception, so PatternLayout adds no {@code %ex} of its own.
 */
@Plugin(name = "SafeExceptionConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"safeException"})
public final class SafeExceptionConverter extends LogEventPatternConverter {

    private static final SafeExceptionConverter INSTANCE = new SafeExceptionConverter();

    private SafeExceptionConverter() {
        super("SafeException", "throwable");
    }

    /** Log4j's factory method for a converter; the pattern passes no options. */
    public static SafeExceptionConverter newInstance(String[] options) {
        return INSTANCE;
    }

    @Override
    public void format(LogEvent event, StringBuilder out) {
        Throwable thrown = event.getThrown();
        if (thrown != null) {
            StackTraces.append(thrown, out);
        }
    }

    @Override
    public boolean handlesThrowable() {
        return true;
    }
}

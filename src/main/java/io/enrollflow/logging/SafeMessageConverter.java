package io.enrollflow.logging;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.message.Message;

/**
 * {@code %safeMessage}, the text format's message in place of {@code %m}: an enrollflow line's fields
 * ({@link EventMessage}: {@code task=39 stage=intake ...}, each value scrubbed and escaped), or any other logger's
 * message scrubbed ({@link Scrub}) and escaped as free text ({@link Escape#text}). No message, from enrollflow or a
 * library, can then end the line, start another or hide what follows.
 */
@Plugin(name = "SafeMessageConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"safeMessage"})
public final class SafeMessageConverter extends LogEventPatternConverter {

    private static final SafeMessageConverter INSTANCE = new SafeMessageConverter();

    private SafeMessageConverter() {
        super("SafeMessage", "message");
    }

    /** Log4j's factory method for a converter; the pattern passes no options. */
    public static SafeMessageConverter newInstance(String[] options) {
        return INSTANCE;
    }

    @Override
    public void format(LogEvent event, StringBuilder out) {
        append(event.getMessage(), out);
    }

    /** The message as this converter writes it (the JSON format's {@code message} is the same text). */
    static void append(Message message, StringBuilder out) {
        if (message instanceof EventMessage fields) {
            fields.formatTo(out);
        } else if (message != null) {
            String text = message.getFormattedMessage();
            if (text != null) {
                Escape.text(Scrub.text(text), out);
            }
        }
    }
}

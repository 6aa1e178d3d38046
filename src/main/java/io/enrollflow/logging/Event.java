package io.enrollflow.logging;

import io.enrollflow.util.Masking;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.spi.ExtendedLogger;

/**
 * Builds and logs one of enrollflow's lines, its fields given as data (docs/operations.md#logging):
 * <pre>{@code
 * Event.info(LOG).task(run.taskId()).stage("intake").outcome("taken").kv("attempt", claim.attempt())
 *         .kv("order", task.orderId()).email(task.email()).log();
 * }</pre>
 * writes {@code task=39 stage=intake outcome=taken attempt=1 order=1007 email=b***@example.com}. {@code task} comes
 * first, {@code -} when the line is about no one task; the other fields keep the order they are given in. Values are
 * turned into strings here ({@code String.valueOf}: numbers, durations and enums read as a format's {@code {}} made
 * them); masking, redaction and escaping are the layout's, on the appender's thread. A builder at a level the logger
 * does not log holds nothing and logs nothing.
 */
public final class Event {

    /** Where Log4j looks for the caller, should a layout ask for it ({@code %C}, {@code %L}). */
    private static final String FQCN = Event.class.getName();

    private final Logger logger;
    private final Level level;
    /** Null when the logger does not log this level: every call below is then a no-op. */
    private final EventMessage message;
    private Throwable thrown;

    private Event(Logger logger, Level level) {
        this.logger = logger;
        this.level = level;
        this.message = logger.isEnabled(level) ? new EventMessage() : null;
    }

    public static Event debug(Logger logger) {
        return new Event(logger, Level.DEBUG);
    }

    public static Event info(Logger logger) {
        return new Event(logger, Level.INFO);
    }

    public static Event warn(Logger logger) {
        return new Event(logger, Level.WARN);
    }

    public static Event error(Logger logger) {
        return new Event(logger, Level.ERROR);
    }

    /** The task the line is about; null is {@code -}. Always written first. */
    public Event task(Object taskId) {
        if (message != null) {
            message.field(EventMessage.TASK, taskId == null ? EventMessage.NO_TASK : String.valueOf(taskId));
        }
        return this;
    }

    public Event stage(Object stage) {
        return kv("stage", stage);
    }

    public Event outcome(Object outcome) {
        return kv("outcome", outcome);
    }

    /** A sentence for the operator ({@code note="..."}). */
    public Event note(Object note) {
        return kv("note", note);
    }

    /** What went wrong, as text ({@code error="..."}); {@link #thrown} adds the stack trace. */
    public Event error(Object error) {
        return kv("error", error);
    }

    /**
     * A field. The key is a word of letters, digits and {@code _ . -} (any other character becomes {@code _}: keys are
     * written unquoted); the value any object, null included.
     */
    public Event kv(String key, Object value) {
        if (message != null) {
            message.field(key(key), String.valueOf(value));
        }
        return this;
    }

    /** The buyer's (or any) address, masked whole however it is spelled ({@code email=b***@example.com}). */
    public Event email(String address) {
        if (message != null) {
            message.field("email", Masking.email(address));
        }
        return this;
    }

    /** An exception whose stack trace follows the line. */
    public Event thrown(Throwable throwable) {
        this.thrown = throwable;
        return this;
    }

    /** Logs the line. */
    public void log() {
        if (message == null) {
            return;
        }
        if (logger instanceof ExtendedLogger extended) {
            extended.logIfEnabled(FQCN, level, null, message, thrown);
        } else {
            logger.log(level, message, thrown);
        }
    }

    /** The line as text ({@code task=- stage=startup ...}), logged or not; empty when the level is off. */
    public String text() {
        return message == null ? "" : message.getFormattedMessage();
    }

    /** The message as built so far, null when the level is off (what the layouts' tests format). */
    EventMessage message() {
        return message;
    }

    private static String key(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (!keyChar(key.charAt(i), i)) {
                StringBuilder clean = new StringBuilder(key.length());
                for (int j = 0; j < key.length(); j++) {
                    clean.append(keyChar(key.charAt(j), j) ? key.charAt(j) : '_');
                }
                return clean.toString();
            }
        }
        return key.isEmpty() ? "_" : key;
    }

    private static boolean keyChar(char c, int index) {
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        return letter || (index > 0 && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
    }
}

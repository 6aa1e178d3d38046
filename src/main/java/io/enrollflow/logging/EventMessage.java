package io.enrollflow.logging;

import org.apache.logging.log4j.message.AsynchronouslyFormattable;
import org.apache.logging.log4j.message.MapMessage;

/**
 * One of enrollflow's log lines as data: its fields in the order they were given, {@code task} always first. A Log4j
 * {@link MapMessage}, so Log4j's own map tools ({@code %K{task}} in a pattern, JsonTemplateLayout's {@code map}
 * resolver) read the fields too; enrollflow's layouts write them from here, in order, each value scrubbed and escaped
 * ({@link #formatTo}, and the {@code eventFields} resolver for JSON). Built by {@link Event}; its values are strings
 * and never change once it is logged, so the appender's thread formats it.
 */
@AsynchronouslyFormattable
public final class EventMessage extends MapMessage<EventMessage, String> {

    static final String TASK = "task";
    /** What {@code task} says on a line that is about no one task. */
    static final String NO_TASK = "-";

    private String[] keys = new String[8];
    private String[] values = new String[8];
    private int size;

    EventMessage() {
        super(8);
        keys[0] = TASK;
        values[0] = NO_TASK;
        size = 1;
        with(TASK, NO_TASK);
    }

    /** Sets a field: a new key goes last ({@code task} stays first), a known one keeps its place. */
    void field(String key, String value) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                values[i] = value;
                with(key, value);
                return;
            }
        }
        if (size == keys.length) {
            keys = java.util.Arrays.copyOf(keys, size * 2);
            values = java.util.Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        with(key, value);
    }

    /** How many fields, {@code task} included. */
    public int size() {
        return size;
    }

    public String key(int i) {
        return keys[i];
    }

    /** The value as given (emails of {@link Event#email} masked); layouts scrub it ({@link Scrub}) when they write it. */
    public String value(int i) {
        return values[i];
    }

    /** {@code task=39 stage=intake outcome=taken ...}: every value scrubbed and escaped ({@link Escape#value}). */
    @Override
    public void formatTo(StringBuilder out) {
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(keys[i]).append('=');
            Escape.value(Scrub.text(values[i]), out);
        }
    }

    /** The same text whatever format is asked for: a layout of the operator's gets the safe line too. */
    @Override
    public void formatTo(String[] formats, StringBuilder out) {
        formatTo(out);
    }

    @Override
    public String getFormattedMessage() {
        StringBuilder out = new StringBuilder(16 * size);
        formatTo(out);
        return out.toString();
    }

    @Override
    public String getFormattedMessage(String[] formats) {
        return getFormattedMessage();
    }

    @Override
    public String asString() {
        return getFormattedMessage();
    }

    @Override
    public String toString() {
        return getFormattedMessage();
    }
}

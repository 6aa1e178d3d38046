package io.enrollflow.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * An exception as {@link Throwable#printStackTrace()} writes it (its {@code toString()}, its frames, {@code Caused by:}
 * and {@code Suppressed:} with {@code ... n more}), with each exception's own line scrubbed ({@link Scrub}) and escaped
 * as free text ({@link Escape#text}). Only those lines carry text from outside (an API's message, a buyer's address
 * inside an error); the frames are class and file names. Written here rather than by Log4j's renderer because the
 * escaping must apply to the message alone: once the trace is one string, a line break inside a message cannot be told
 * from the one between two frames.
 */
final class StackTraces {

    private static final String NL = System.lineSeparator();

    private StackTraces() {
    }

    /** Appends the trace, each line ended by the line separator. */
    static void append(Throwable thrown, StringBuilder out) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        append(thrown, out, new StackTraceElement[0], "", "", seen);
    }

    /** The trace as one string (the JSON format's {@code exception}). */
    static String of(Throwable thrown) {
        StringBuilder out = new StringBuilder(1024);
        append(thrown, out);
        return out.toString();
    }

    private static void append(Throwable t, StringBuilder out, StackTraceElement[] enclosing, String caption,
                               String indent, Set<Throwable> seen) {
        if (!seen.add(t)) {
            out.append(indent).append(caption).append("[CIRCULAR REFERENCE: ");
            header(t, out);
            out.append(']').append(NL);
            return;
        }
        out.append(indent).append(caption);
        header(t, out);
        out.append(NL);
        StackTraceElement[] frames = t.getStackTrace();
        int m = frames.length - 1;
        int n = enclosing.length - 1;
        while (m >= 0 && n >= 0 && frames[m].equals(enclosing[n])) {
            m--;
            n--;
        }
        int inCommon = frames.length - 1 - m;
        for (int i = 0; i <= m; i++) {
            out.append(indent).append("\tat ").append(frames[i]).append(NL);
        }
        if (inCommon != 0) {
            out.append(indent).append("\t... ").append(inCommon).append(" more").append(NL);
        }
        for (Throwable suppressed : t.getSuppressed()) {
            append(suppressed, out, frames, "Suppressed: ", indent + "\t", seen);
        }
        Throwable cause = t.getCause();
        if (cause != null) {
            append(cause, out, frames, "Caused by: ", indent, seen);
        }
    }

    /** The exception's own line: its class and message, as its toString() gives them. */
    private static void header(Throwable t, StringBuilder out) {
        String line;
        try {
            line = t.toString();
        } catch (RuntimeException e) {
            line = t.getClass().getName();
        }
        Escape.text(Scrub.text(line), out);
    }
}

package io.enrollflow.cli;

import io.enrollflow.task.TaskParser;

/**
 * Text from tasks, APIs or the download printed to a terminal (docs/contract.md §10): control characters are shown escaped
 * ({@code \x1b}, {@code \u202e}) so that an escape sequence in a buyer's order id or an API's message cannot move the
 * cursor, retitle the window, hide a line or reorder what the operator reads.
 */
final class Terminal {

    private Terminal() {
    }

    /** One value on one line: every control character escaped, line breaks included. */
    static String line(String text) {
        return escape(text, false);
    }

    /** A multi-line text (a log tail): line feeds and tabs kept, every other control character escaped. */
    static String lines(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean kept = keepLines && (c == '\n' || c == '\t');
            if (kept || !TaskParser.unsafeInText(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
        }
        return out == null ? text : out.toString();
    }
}

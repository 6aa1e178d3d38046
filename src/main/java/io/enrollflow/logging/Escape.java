package io.enrollflow.logging;

/**
 * How text is written into a log line, so that no input can start a line of its own, add a field, or move what a
 * terminal shows (docs/contract.md §10). Three forms:
 * <ul>
 *   <li>{@link #value}: a field's value in the text format, {@code key=value}, in double quotes when it is empty or
 *       holds a space, {@code =}, {@code "}, {@code \} or a character escaped below; inside the quotes {@code "} and
 *       {@code \} are written {@code \"} and {@code \\};</li>
 *   <li>{@link #text}: free text (a library's message, an exception's message): never quoted, backslashes kept, so
 *       Camel's and Redisson's sentences read as before;</li>
 *   <li>{@link #json}: a JSON string; the value read back is the value given.</li>
 * </ul>
 * In all three, control characters (C0, DEL, C1), the line and paragraph separators U+2028 and U+2029, the bidi
 * controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and unpaired surrogates are written as {@code \n},
 * {@code \r}, {@code \t} or {@code \}{@code uXXXX}: none of them reaches the output raw.
 */
public final class Escape {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Escape() {
    }

    /** Whether {@code c} is never written raw (see the class comment); surrogates are judged in context. */
    static boolean hidden(char c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return true;
        }
        if (c < 0x61c) {
            return false;
        }
        return c == 0x61c || c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** Whether the char at {@code i} is a surrogate without its pair. */
    private static boolean unpaired(CharSequence s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    /** Whether the char at {@code i} must be escaped in every form. */
    private static boolean mustEscape(CharSequence s, int i) {
        char c = s.charAt(i);
        return hidden(c) || (Character.isSurrogate(c) && unpaired(s, i));
    }

    /** Appends a field's value for the text format: bare when it can be, else quoted and escaped. */
    public static void value(CharSequence value, StringBuilder out) {
        if (bare(value)) {
            out.append(value);
        } else {
            // quoted, the text format's escapes are JSON's: one reader takes both
            json(value, out);
        }
    }

    /** A value that can be written without quotes: not empty, no space, {@code =}, quote, backslash or escaped char. */
    static boolean bare(CharSequence value) {
        if (value.length() == 0) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '=' || c == '"' || c == '\\' || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || mustEscape(value, i)) {
                return false;
            }
        }
        return true;
    }

    /** Appends free text with what must not reach the output escaped, and nothing else changed. */
    public static void text(CharSequence text, StringBuilder out) {
        int copied = 0;
        for (int i = 0; i < text.length(); i++) {
            if (mustEscape(text, i)) {
                out.append(text, copied, i);
                escape(text.charAt(i), out);
                copied = i + 1;
            }
        }
        out.append(text, copied, text.length());
    }

    /** Free text as {@link #text} writes it. */
    public static String text(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text(text, out);
        return out.toString();
    }

    /**
     * Appends a JSON string, quotes included: {@code "}, {@code \} and every character {@link #hidden} or unpaired
     * escaped, so the line holds none of them raw while a JSON reader gets the value back as it was.
     */
    public static void json(CharSequence value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (mustEscape(value, i)) {
                escape(c, out);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void escape(char c, StringBuilder out) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                    .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        }
    }
}

package io.enrollflow.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict reader of the text format's fields ({@code key=value key="quoted \"value\""}), as a log shipper's logfmt
 * parser reads them: what tests use to show that a value read back is the value logged and that no value added a
 * field. Escapes inside quotes: {@code \" \\ \n \r \t \}{@code uXXXX}. Anything else is an error, not a guess.
 */
public final class Logfmt {

    private Logfmt() {
    }

    /** The fields of a line's message part (after {@code " - "}), in order; a key met twice is an error. */
    public static Map<String, String> parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq <= i) {
                throw new IllegalArgumentException("no key at " + i + ": " + text);
            }
            String key = text.substring(i, eq);
            if (!key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                throw new IllegalArgumentException("not a key: \"" + key + "\" in " + text);
            }
            StringBuilder value = new StringBuilder();
            i = eq + 1;
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("unclosed quote: " + text);
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c != '\\') {
                        value.append(c);
                        continue;
                    }
                    char e = text.charAt(i++);
                    switch (e) {
                        case '"', '\\' -> value.append(e);
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case 'u' -> {
                            value.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text);
                    }
                }
            } else {
                int end = text.indexOf(' ', i);
                end = end < 0 ? text.length() : end;
                value.append(text, i, end);
                i = end;
            }
            if (fields.put(key, value.toString()) != null) {
                throw new IllegalArgumentException("key " + key + " twice in " + text);
            }
            if (i < text.length()) {
                if (text.charAt(i) != ' ') {
                    throw new IllegalArgumentException("no space after the value of " + key + ": " + text);
                }
                i++;
            }
        }
        return fields;
    }
}

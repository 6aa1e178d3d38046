package io.enrollflow.delivery.drive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The part of Drive's {@code q} language the stand-in understands: clauses joined by {@code and}, each one of
 * {@code '<id>' in parents}, {@code name = '…'}, {@code name != '…'}, {@code name contains '…'},
 * {@code mimeType = '…'}, {@code mimeType != '…'}, {@code trashed = true|false}. String literals are single-quoted with
 * {@code \'} and {@code \\} escapes, as Drive wants them. Anything else is rejected (the stand-in answers 400), so a
 * badly escaped query fails a test instead of matching by accident.
 */
final class DriveQuery {

    /** The fields a clause can look at. */
    interface Target {
        String name();

        String mimeType();

        String parentId();

        boolean trashed();
    }

    private final List<String> tokens;
    private int at;

    private DriveQuery(List<String> tokens) {
        this.tokens = tokens;
    }

    static Predicate<Target> parse(String q) {
        if (q == null || q.isBlank()) {
            return t -> true;
        }
        DriveQuery parser = new DriveQuery(tokenize(q));
        Predicate<Target> all = parser.clause();
        while (parser.at < parser.tokens.size()) {
            parser.expectWord("and");
            all = all.and(parser.clause());
        }
        return all;
    }

    private Predicate<Target> clause() {
        String first = next();
        if (isString(first)) {
            String value = unquote(first);
            expectWord("in");
            expectWord("parents");
            return t -> value.equals(t.parentId());
        }
        String field = first;
        String op = next();
        String raw = next();
        switch (field) {
            case "name", "mimeType" -> {
                if (!isString(raw)) {
                    throw new IllegalArgumentException("expected a quoted string after " + field + " " + op + ", got " + raw);
                }
                String value = unquote(raw);
                boolean isName = field.equals("name");
                return switch (op) {
                    // Drive compares names regardless of case (a folder "A7" answers name = 'a7'); mime types exactly
                    case "=" -> t -> isName ? value.equalsIgnoreCase(t.name()) : value.equals(t.mimeType());
                    case "!=" -> t -> !value.equals(isName ? t.name() : t.mimeType());
                    case "contains" -> t -> (isName ? t.name() : t.mimeType()).contains(value);
                    default -> throw new IllegalArgumentException("unsupported operator " + op);
                };
            }
            case "trashed" -> {
                if (!op.equals("=") && !op.equals("!=")) {
                    throw new IllegalArgumentException("unsupported operator " + op + " for trashed");
                }
                boolean value = switch (raw) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("trashed takes true or false, got " + raw);
                };
                boolean equal = op.equals("=");
                return t -> (t.trashed() == value) == equal;
            }
            default -> throw new IllegalArgumentException("unsupported query term " + field);
        }
    }

    private String next() {
        if (at >= tokens.size()) {
            throw new IllegalArgumentException("query ends too early");
        }
        return tokens.get(at++);
    }

    private void expectWord(String word) {
        String got = next();
        if (!got.toLowerCase(Locale.ROOT).equals(word)) {
            throw new IllegalArgumentException("expected '" + word + "', got " + got);
        }
    }

    private static boolean isString(String token) {
        return token.startsWith("'");
    }

    private static String unquote(String token) {
        return token.substring(1);
    }

    /** Words, operators and string literals; a literal token is its unescaped value prefixed with one {@code '}. */
    static List<String> tokenize(String q) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < q.length()) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder value = new StringBuilder("'");
                i++;
                boolean closed = false;
                while (i < q.length()) {
                    char d = q.charAt(i++);
                    if (d == '\\') {
                        if (i >= q.length()) {
                            throw new IllegalArgumentException("dangling backslash");
                        }
                        char e = q.charAt(i++);
                        if (e != '\'' && e != '\\') {
                            throw new IllegalArgumentException("unknown escape \\" + e);
                        }
                        value.append(e);
                    } else if (d == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(d);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated string");
                }
                out.add(value.toString());
            } else if (c == '=') {
                out.add("=");
                i++;
            } else if (c == '!' && i + 1 < q.length() && q.charAt(i + 1) == '=') {
                out.add("!=");
                i += 2;
            } else if (Character.isLetterOrDigit(c)) {
                int start = i;
                while (i < q.length() && Character.isLetterOrDigit(q.charAt(i))) {
                    i++;
                }
                out.add(q.substring(start, i));
            } else {
                throw new IllegalArgumentException("unexpected character '" + c + "' at " + i);
            }
        }
        return out;
    }
}

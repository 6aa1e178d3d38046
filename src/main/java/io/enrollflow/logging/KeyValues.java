package io.enrollflow.logging;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code key=value} pairs of a log line as enrollflow writes them
 * ({@code task=39 stage=enroll outcome=rejected reason="course not found"}), for the JSON format's fields.
 * <p>
 * A pair is a whitespace-separated word: a key of letters, digits, {@code _ . -} (starting with a letter or {@code _}),
 * {@code =}, and a value up to the next whitespace, or in double quotes. Quoted values are not escaped by the code that
 * writes them (an error message may itself hold quotes), so a quoted value ends at the first quote that is followed by
 * the end of the line or by whitespace and another {@code key=}; failing that, at the last quote followed by
 * whitespace or the end. Words that are not pairs (Camel's own sentences) are skipped; the first of two equal keys wins.
 */
public final class KeyValues {

    private KeyValues() {
    }

    /** One pair, in the order met. */
    public record Pair(String key, String value) {
    }

    public static List<Pair> parse(String text) {
        List<Pair> pairs = new ArrayList<>();
        int length = text.length();
        int i = 0;
        while (i < length) {
            while (i < length && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int keyEnd = keyEnd(text, i);
            if (keyEnd < 0) {
                i = wordEnd(text, i);
                continue;
            }
            String key = text.substring(i, keyEnd);
            int valueStart = keyEnd + 1;
            int valueEnd;
            String value;
            if (valueStart < length && text.charAt(valueStart) == '"') {
                int close = closingQuote(text, valueStart + 1);
                if (close < 0) {
                    valueEnd = length;
                    value = text.substring(valueStart + 1);
                } else {
                    valueEnd = close + 1;
                    value = text.substring(valueStart + 1, close);
                }
            } else {
                valueEnd = wordEnd(text, valueStart);
                value = text.substring(valueStart, valueEnd);
            }
            if (!has(pairs, key)) {
                pairs.add(new Pair(key, value));
            }
            i = valueEnd;
        }
        return pairs;
    }

    /** A handful of pairs per line: a loop beats a set or a stream here (this runs for every JSON line). */
    private static boolean has(List<Pair> pairs, String key) {
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the {@code =} ending a key that starts at {@code start}, or -1 when the word is no pair. */
    private static int keyEnd(String text, int start) {
        if (start >= text.length()) {
            return -1;
        }
        char first = text.charAt(start);
        if (!(Character.isLetter(first) || first == '_')) {
            return -1;
        }
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') {
                return i;
            }
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')) {
                return -1;
            }
        }
        return -1;
    }

    private static int wordEnd(String text, int start) {
        int i = start;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** See the class comment: the quote that ends a value opened just before {@code from}, or -1. */
    private static int closingQuote(String text, int from) {
        int lastCandidate = -1;
        for (int i = text.indexOf('"', from); i >= 0; i = text.indexOf('"', i + 1)) {
            int next = i + 1;
            if (next == text.length()) {
                return i;
            }
            if (!Character.isWhitespace(text.charAt(next))) {
                continue;
            }
            lastCandidate = i;
            int word = next;
            while (word < text.length() && Character.isWhitespace(text.charAt(word))) {
                word++;
            }
            if (word == text.length() || keyEnd(text, word) >= 0) {
                return i;
            }
        }
        return lastCandidate;
    }
}

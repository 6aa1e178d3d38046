package io.enrollflow.config;

/**
 * The one place that makes a URL setting fit for a message (docs/contract.md §1: no password or token in any error, log line
 * or CLI output, a malformed URL's included). It works on the text, not on a parsed URI, because the URLs it must
 * redact are often the ones that do not parse.
 */
public final class Redact {

    private Redact() {
    }

    /**
     * {@code redis://:secret@host:6379/0} → {@code redis://***@host:6379/0}; {@code https://h/cb?token=x} →
     * {@code https://h/cb?***}. Everything between {@code ://} and the last {@code @} is taken for user info (a
     * password may hold {@code /}, {@code ?} or {@code #} when the URL is malformed), and everything after the first
     * {@code ?} or {@code #} for a query that may carry a token. A value with no scheme separator is redacted whole
     * when it holds an {@code @}.
     */
    public static String url(String value) {
        if (value == null) {
            return null;
        }
        String text = value;
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (at >= 0 && (scheme < 0 || at > scheme + 3)) {
            text = scheme < 0 ? "***" + text.substring(at) : text.substring(0, scheme + 3) + "***" + text.substring(at);
        }
        int query = indexOfAny(text, '?', '#', Math.max(0, text.indexOf("://") + 3));
        return query < 0 ? text : text.substring(0, query + 1) + "***";
    }

    private static int indexOfAny(String text, char a, char b, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }
}

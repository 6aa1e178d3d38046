package io.enrollflow.tracing;

import io.enrollflow.util.Masking;

/**
 * What a span may hold of a value (docs/contract.md §8): no email (masked as in the logs, {@code b***@example.com}),
 * and of a URL neither user info nor query nor fragment, where tokens and signatures travel. Applied to every attribute
 * and event text enrollflow's spans and camel-opentelemetry2's carry.
 */
final class Scrub {

    private Scrub() {
    }

    /** An attribute's value: a URL attribute keeps scheme, host, port and path; any other text is {@link #text}. */
    static String value(String key, String value) {
        if (value == null) {
            return null;
        }
        return "url.full".equals(key) || "http.url".equals(key) ? url(value) : text(value);
    }

    /** {@code https://user:pw@host:8443/p/a?token=x#f} → {@code https://host:8443/p/a}. */
    static String url(String url) {
        int scheme = url.indexOf("://");
        int hostStart = scheme < 0 ? 0 : scheme + 3;
        int end = endOfPath(url, hostStart);
        int slash = url.indexOf('/', hostStart);
        int authorityEnd = slash < 0 || slash > end ? end : slash;
        int at = url.lastIndexOf('@', authorityEnd - 1);
        String host = at >= hostStart ? url.substring(at + 1, authorityEnd) : url.substring(hostStart, authorityEnd);
        return Masking.emailsIn(url.substring(0, hostStart) + host + url.substring(authorityEnd, end));
    }

    /** Free text (an error message): emails masked, and each URL in it cut to {@link #url}'s form. */
    static String text(String text) {
        if (text == null || (text.indexOf('@') < 0 && !text.contains("://"))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        int scheme = text.indexOf("://");
        while (scheme >= 0) {
            int start = scheme;
            while (start > from && isSchemeChar(text.charAt(start - 1))) {
                start--;
            }
            int end = scheme + 3;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && "\"'<>`".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            out.append(Masking.emailsIn(text.substring(from, start))).append(url(text.substring(start, end)));
            from = end;
            scheme = text.indexOf("://", end);
        }
        return out.append(Masking.emailsIn(text.substring(from))).toString();
    }

    private static boolean isSchemeChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '.' || c == '-');
    }

    private static int endOfPath(String url, int from) {
        for (int i = from; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return url.length();
    }
}

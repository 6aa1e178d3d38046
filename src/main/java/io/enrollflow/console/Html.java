package io.enrollflow.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for the console's pages. Everything a task supplied passes through {@link #text} (element content and
 * quoted attribute values alike), so it is shown as text and never read as markup.
 */
final class Html {

    private Html() {
    }

    /** Escapes for element content and double- or single-quoted attribute values. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A query parameter value or path segment, URL-encoded (then {@link #text} for the attribute). */
    static String url(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package io.enrollflow.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the console sees it, whatever server carried it: method, path (decoded), query and form fields,
 * headers (names in lower case), cookies and the client's address. {@link JdkHttpConsole} builds it from an
 * HttpExchange.
 *
 * @param form   the fields of an {@code application/x-www-form-urlencoded} body; a field given more than once keeps
 *               every value (the selected dead letters)
 * @param remote the client's IP address, as the server saw it (wrong tokens are counted per address)
 */
public record ConsoleRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                             Map<String, String> cookies, Map<String, List<String>> form, String remote) {

    /** A request whose client address is not known (a test's). */
    public ConsoleRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                          Map<String, String> cookies, Map<String, List<String>> form) {
        this(method, path, query, headers, cookies, form, "-");
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a form field, or null. */
    public String field(String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a form field. */
    public List<String> fields(String name) {
        return form.getOrDefault(name, List.of());
    }

    /** A header (name in any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Parses {@code a=1&b=2&b=3} (a query string or a form body); null or empty gives an empty map. */
    public static Map<String, List<String>> parseUrlEncoded(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException malformed) {
                // a broken %-escape: the pair is dropped, as if it had not been sent
            }
        }
        return out;
    }

    /** Parses a {@code Cookie} header; null gives an empty map. */
    public static Map<String, String> parseCookies(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null) {
            return out;
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return out;
    }
}

package io.enrollflow.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the consent page sent the browser: {@code http://127.0.0.1:<port>/?state=…&code=…} (or {@code &error=…} when the
 * account said no), reached by the loopback receiver or pasted by the operator ({@code drive login --no-browser}).
 *
 * @param code  the authorization code, "" when there is none
 * @param state the state sent with the authorization URL, "" when there is none
 * @param error the OAuth error ({@code access_denied}), "" when there is none
 */
record AuthorizationAnswer(String code, String state, String error) {

    /** The answer in a query string ({@code code=…&state=…}); fields it lacks are "". */
    static AuthorizationAnswer fromQuery(String rawQuery) {
        Map<String, String> fields = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.putIfAbsent(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return new AuthorizationAnswer(fields.getOrDefault("code", ""), fields.getOrDefault("state", ""),
                fields.getOrDefault("error", ""));
    }

    /**
     * The answer in what the operator pasted: the whole address from the browser's address bar, or its query alone,
     * with any quotes or spaces a copy picked up around it.
     *
     * @throws IllegalArgumentException when it holds neither a code nor an error, or a state
     */
    static AuthorizationAnswer fromPasted(String pasted) {
        String text = pasted.strip().replaceAll("^[\"'<]+|[\"'>]+$", "");
        String query = text;
        if (text.contains("://")) {
            try {
                query = new URI(text).getRawQuery();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("that is not an address (" + e.getReason() + ")");
            }
        } else if (text.contains("?")) {
            query = text.substring(text.indexOf('?') + 1);
        }
        AuthorizationAnswer answer = fromQuery(query);
        if ((answer.code.isEmpty() && answer.error.isEmpty()) || answer.state.isEmpty()) {
            throw new IllegalArgumentException("that address holds no code and state");
        }
        return answer;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}

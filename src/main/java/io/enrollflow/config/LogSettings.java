package io.enrollflow.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How lines are written: read by the command line before the first line is logged ({@code logging.Logging}).
 *
 * @param format  {@code enrollflow.log.format}: {@code text} (one line per event) or {@code json} (one JSON object per
 *                line, each field of an enrollflow line a field of its own)
 * @param secrets the values no line may show, whoever logs them (docs/contract.md §10): the Redis password, the
 *                enrollment and management tokens, and the user info and query values of the URL settings
 */
public record LogSettings(String format, List<String> secrets) {

    public static final String FORMAT = "enrollflow.log.format";

    /** A query value shorter than this is taken for a flag or a word ({@code ?format=json}), not for a secret. */
    static final int MIN_QUERY_SECRET = 8;

    public LogSettings {
        secrets = List.copyOf(secrets);
    }

    public static LogSettings from(Settings settings) {
        List<String> secrets = new ArrayList<>();
        for (String key : List.of(RedisSettings.PASSWORD, EnrollmentSettings.TOKEN, ManagementSettings.TOKEN,
                ManagementSettings.READ_TOKEN)) {
            secrets.add(settings.text(key));
        }
        for (String key : List.of(RedisSettings.URL, EnrollmentSettings.URL, CallbackSettings.URL,
                DriveSettings.ROOT_URL)) {
            secrets.addAll(urlSecrets(settings.text(key)));
        }
        secrets.removeIf(String::isEmpty);
        return new LogSettings(settings.choice(FORMAT, "text", "json"), secrets);
    }

    /**
     * The parts of a URL that may be secret: its user info (whole, and the password after the first {@code :}) and
     * each query value of {@value #MIN_QUERY_SECRET} characters or more, as written and percent-decoded. Read from the
     * text, as config.Redact does, so a URL that does not parse gives its secrets too.
     */
    static List<String> urlSecrets(String url) {
        List<String> parts = new ArrayList<>();
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int query = indexOfAny(url, "?#", start);
        int authorityEnd = indexOfAny(url, "/?#", start);
        int at = url.lastIndexOf('@', authorityEnd < 0 ? url.length() - 1 : authorityEnd - 1);
        if (at >= start) {
            String userInfo = url.substring(start, at);
            addDecoded(parts, userInfo);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                addDecoded(parts, userInfo.substring(colon + 1));
            }
        }
        if (query >= 0 && url.charAt(query) == '?') {
            int end = url.indexOf('#', query);
            for (String pair : url.substring(query + 1, end < 0 ? url.length() : end).split("&")) {
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.length() >= MIN_QUERY_SECRET) {
                    addDecoded(parts, value);
                }
            }
        }
        return parts;
    }

    private static void addDecoded(List<String> parts, String value) {
        parts.add(value);
        try {
            parts.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // a stray % : the text as written is the secret
        }
    }

    private static int indexOfAny(String text, String chars, int from) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** The secrets are counted, never shown. */
    @Override
    public String toString() {
        return "LogSettings[format=" + format + ", redacted=" + secrets.size() + " values]";
    }
}

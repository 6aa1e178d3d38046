package io.enrollflow.logging;

import io.enrollflow.util.Masking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a log line may show of a secret or a buyer (docs/contract.md §10), applied by enrollflow's layouts to every
 * piece of text they write: each value, each message (libraries' included), each exception's message. It runs where
 * the line is written rather than where it is logged, so Camel's, Redisson's and HttpClient's lines at any level get
 * it as enrollflow's own do. In order:
 * <ol>
 *   <li>the secrets of this process's settings ({@link #secrets}): the Redis password, the enrollment and management
 *       tokens, the secret parts of URL settings; each is {@code ***} wherever it appears;</li>
 *   <li>user info in any URL: {@code redis://user:pass@host} becomes {@code redis://***@host};</li>
 *   <li>key material: a PEM block ({@code -----BEGIN … PRIVATE KEY-----} to its end) becomes {@code ***};</li>
 *   <li>the value of an {@code Authorization:} header (any case, as HttpClient's header and wire logs write it);</li>
 *   <li>the value after a secret's name and {@code =} or {@code :} ({@code private_key}, {@code password},
 *       {@code token}, {@code client_secret} and kin, as in a key file or a query string);</li>
 *   <li>every email address the task rules accept, masked as {@code b***@example.com} (util.Masking).</li>
 * </ol>
 * Each rule is a linear scan or an expression anchored on a literal word, so a long hostile message costs time in
 * proportion to its length.
 */
public final class Scrub {

    /** Shorter values would be found inside ordinary words; they are still caught by the rules that follow. */
    static final int MIN_SECRET_LENGTH = 4;
    static final String REDACTED = "***";

    private static final Pattern AUTHORIZATION =
            Pattern.compile("(?i)(authorization\\\\?\"?\\s*[:=]\\s*\\\\?\"?)[^\\r\\n\"\\\\\\[,;}]+");
    private static final Pattern NAMED_SECRET = Pattern.compile("(?i)(?<![a-z0-9])((?:private_key(?:_id)?|password|passwd"
            + "|client_secret|secret|access_token|refresh_token|id_token|token|api_key|apikey)\\\\?\"?\\s*[:=]\\s*\\\\?\"?)"
            + "[^\\s\"\\\\&,;'}\\]\\[)]+");

    private static volatile List<String> secrets = List.of();

    private Scrub() {
    }

    /**
     * The secret values of this process's settings, replacing any set before: the command line sets them once the
     * settings are read, before Redis or an HTTP client is made. Values shorter than {@value #MIN_SECRET_LENGTH}
     * characters are left to the other rules.
     */
    public static void secrets(Collection<String> values) {
        List<String> kept = new ArrayList<>();
        for (String value : values) {
            if (value != null && value.length() >= MIN_SECRET_LENGTH && !kept.contains(value)) {
                kept.add(value);
            }
        }
        // the longest first: a secret that holds another is redacted whole
        kept.sort(Comparator.comparingInt(String::length).reversed());
        secrets = List.copyOf(kept);
    }

    /** The text with every rule applied; null stays null. */
    public static String text(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, REDACTED);
            }
        }
        if (out.contains("://")) {
            out = userInfo(out);
        }
        if (out.contains("-----BEGIN")) {
            out = pemBlocks(out);
        }
        if (out.indexOf(':') >= 0 || out.indexOf('=') >= 0) {
            String lower = out.toLowerCase(Locale.ROOT);
            if (lower.contains("authorization")) {
                out = replaceValues(AUTHORIZATION, out);
            }
            if (lower.contains("key") || lower.contains("passw") || lower.contains("secret") || lower.contains("token")) {
                out = replaceValues(NAMED_SECRET, out);
            }
        }
        return out.indexOf('@') >= 0 ? Masking.emailsIn(out) : out;
    }

    /** {@code scheme://user:pass@host}: the user info up to the authority's last {@code @} becomes {@code ***}. */
    private static String userInfo(String text) {
        StringBuilder out = null;
        int copied = 0;
        for (int scheme = text.indexOf("://"); scheme >= 0; scheme = text.indexOf("://", scheme + 3)) {
            int from = scheme + 3;
            int at = -1;
            int i = from;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '@') {
                    at = i;
                } else if (c == '/' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '?' || c == '#'
                        || Character.isWhitespace(c)) {
                    break;
                }
            }
            if (at > from && !REDACTED.contentEquals(text.subSequence(from, at))) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, from).append(REDACTED);
                copied = at;
            }
            scheme = Math.max(scheme, i - 3);
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** From {@code -----BEGIN} to the end of its {@code -----END …-----} line, or to the end of the text. */
    private static String pemBlocks(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int begin = text.indexOf("-----BEGIN"); begin >= 0; begin = text.indexOf("-----BEGIN", copied)) {
            int end = text.indexOf("-----END", begin);
            int close = end < 0 ? -1 : text.indexOf("-----", end + 8);
            out.append(text, copied, begin).append(REDACTED);
            copied = close < 0 ? text.length() : close + 5;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static String replaceValues(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        do {
            out.append(text, copied, m.end(1)).append(REDACTED);
            copied = m.end();
        } while (m.find());
        return out.append(text, copied, text.length()).toString();
    }
}

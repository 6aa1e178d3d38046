package io.enrollflow.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The management HTTP server and the console (docs/contract.md §8): the {@code enrollflow.management.*} settings and
 * {@code enrollflow.console.session-timeout}.
 *
 * @param port           the server's port; 0 turns it off
 * @param host           the address it listens on
 * @param token          opens /api/*; empty closes it; never logged
 * @param readToken      opens every GET of /api/* and a console session that looks only; empty = none; never logged
 * @param sessionTimeout how long a console sign-in lasts
 * @param wrongTokensPerMinute wrong tokens (API or console sign-in) one client address may send at once, and again each
 *                       minute; past them it is answered 429
 */
public record ManagementSettings(int port, String host, String token, String readToken, Duration sessionTimeout,
                                 int wrongTokensPerMinute) {

    public static final String PORT = "enrollflow.management.port";
    public static final String HOST = "enrollflow.management.host";
    public static final String TOKEN = "enrollflow.management.token";
    public static final String READ_TOKEN = "enrollflow.management.read-token";
    public static final String SESSION_TIMEOUT = "enrollflow.console.session-timeout";
    public static final String WRONG_TOKENS_PER_MINUTE = "enrollflow.management.wrong-tokens-per-minute";

    /**
     * Words of the values people leave in a template; a token holding one is refused (case ignored). Each has a letter
     * past f, so no hex token holds one, and a random base64 token of 32 characters holds one about once in 10^8.
     */
    private static final List<String> TEMPLATE_WORDS = List.of("change-me", "changeme", "change_me", "replace",
            "placeholder", "example", "your-token", "your_token");

    public static ManagementSettings from(Settings settings) {
        int port = settings.integer(PORT, 0, 65_535);
        String host = port > 0 ? settings.required(HOST) : settings.text(HOST);
        String token = token(settings, TOKEN);
        String readToken = token(settings, READ_TOKEN);
        Duration sessionTimeout = settings.duration(SESSION_TIMEOUT, Duration.ofMinutes(1), Duration.ofDays(30));
        if (!readToken.isEmpty() && readToken.equals(token)) {
            throw new ConfigException(READ_TOKEN, "must differ from " + TOKEN);
        }
        return new ManagementSettings(port, host, token, readToken, sessionTimeout,
                settings.integer(WRONG_TOKENS_PER_MINUTE, 1, 10_000));
    }

    /** True when the server runs. */
    public boolean enabled() {
        return port > 0;
    }

    /** The tokens never reach a log line. */
    @Override
    public String toString() {
        return "ManagementSettings[port=" + port + ", host=" + host + ", token=" + (token.isEmpty() ? "" : "***")
                + ", readToken=" + (readToken.isEmpty() ? "" : "***") + ", sessionTimeout=" + sessionTimeout
                + ", wrongTokensPerMinute=" + wrongTokensPerMinute + "]";
    }

    /**
     * An empty token closes what it guards; a set one must reach {@link TokenStrength#REQUIRED_BITS} bits of estimated
     * entropy and hold no template word (a manifest's {@code change-me} must not open the API to anyone who has read
     * the manifest). The message names the key, never the value.
     */
    static String token(Settings settings, String key) {
        String token = settings.text(key);
        if (token.isEmpty()) {
            return token;
        }
        String lower = token.toLowerCase(Locale.ROOT);
        if (TEMPLATE_WORDS.stream().anyMatch(lower::contains)) {
            throw new ConfigException(key, "is a placeholder, not a secret (make one with: openssl rand -hex 32)");
        }
        if (!TokenStrength.strong(token)) {
            throw new ConfigException(key, "is too easy to guess: under " + (int) TokenStrength.REQUIRED_BITS
                    + " bits estimated from its length and characters (make one with: openssl rand -hex 32)");
        }
        return token;
    }
}

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
 */
public record ManagementSettings(int port, String host, String token, String readToken, Duration sessionTimeout) {

    public static final String PORT = "enrollflow.management.port";
    public static final String HOST = "enrollflow.management.host";
    public static final String TOKEN = "enrollflow.management.token";
    public static final String READ_TOKEN = "enrollflow.management.read-token";
    public static final String SESSION_TIMEOUT = "enrollflow.console.session-timeout";

    /** The shortest token accepted: guessing 16 random characters over the network is hopeless. */
    static final int MIN_TOKEN_LENGTH = 16;
    /** Words of the values people leave in a template; a token holding one is refused (case ignored). */
    private static final List<String> PLACEHOLDER_WORDS = List.of("change", "replace", "placeholder", "example",
            "secret-token", "your-token", "your_token", "insert", "todo", "xxxx", "0000", "1234");

    public static ManagementSettings from(Settings settings) {
        int port = settings.integer(PORT, 0, 65_535);
        String host = port > 0 ? settings.required(HOST) : settings.text(HOST);
        String token = token(settings, TOKEN);
        String readToken = token(settings, READ_TOKEN);
        Duration sessionTimeout = settings.duration(SESSION_TIMEOUT, Duration.ofMinutes(1), Duration.ofDays(30));
        if (!readToken.isEmpty() && readToken.equals(token)) {
            throw new ConfigException(READ_TOKEN, "must differ from " + TOKEN);
        }
        return new ManagementSettings(port, host, token, readToken, sessionTimeout);
    }

    /** True when the server runs. */
    public boolean enabled() {
        return port > 0;
    }

    /** The tokens never reach a log line. */
    @Override
    public String toString() {
        return "ManagementSettings[port=" + port + ", host=" + host + ", token=" + (token.isEmpty() ? "" : "***")
                + ", readToken=" + (readToken.isEmpty() ? "" : "***") + ", sessionTimeout=" + sessionTimeout + "]";
    }

    /**
     * An empty token closes what it guards; a set one must be at least {@value #MIN_TOKEN_LENGTH} characters and not a
     * known placeholder (a manifest's {@code change-me} must not open the API to anyone who has read the manifest).
     * The message names the key, never the value.
     */
    static String token(Settings settings, String key) {
        String token = settings.text(key);
        if (token.isEmpty()) {
            return token;
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException(key, "is shorter than " + MIN_TOKEN_LENGTH + " characters (make one with: "
                    + "openssl rand -hex 32)");
        }
        String lower = token.toLowerCase(Locale.ROOT);
        if (PLACEHOLDER_WORDS.stream().anyMatch(lower::contains) || lower.chars().distinct().count() < 4) {
            throw new ConfigException(key, "is a placeholder, not a secret (make one with: openssl rand -hex 32)");
        }
        return token;
    }
}

package io.enrollflow.console;

import io.enrollflow.redis.RedisKeys;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Console sessions, kept in Redis so that every instance behind one address knows them and sign-out ends a session
 * everywhere. The cookie holds 32 random bytes; Redis holds only their SHA-256 (a copy of Redis gives no working
 * cookie), with the role, the session's CSRF token, the generation it was signed in under and the fingerprint of the
 * token that opened it, and expires with the session (a fixed lifetime from sign-in).
 * <p>
 * A session lives only as long as what opened it (docs/contract.md §10): it is refused once the token of its role
 * (the management token for one that may act, the read token for one that looks) is changed or unset on the instance
 * that reads it, and once the fleet's generation has been raised ({@link #endAll}: {@code enrollflow console
 * end-sessions}, or the console's own button). The fingerprint is the first 128 bits of a SHA-256 of the token under a
 * label of its own: it tells tokens apart and, for a token of the strength start-up demands, gives nothing to guess
 * from.
 */
public final class ConsoleSessions {

    /** What a session may do. */
    enum Role {
        /** signed in with the management token: may act */
        OPERATOR,
        /** signed in with the read token: looks only */
        VIEWER
    }

    /** A live session: its role and the token every action form must carry. */
    record Session(Role role, String csrf) {
        boolean mayAct() {
            return role == Role.OPERATOR;
        }
    }

    /** A new session: the cookie value to hand out, and the session. */
    record Created(String cookie, Session session) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String FINGERPRINT_LABEL = "enrollflow console session token\n";

    private final RedissonClient redis;
    private final RedisKeys keys;
    private final Duration lifetime;
    private final Map<Role, String> fingerprints = new EnumMap<>(Role.class);

    /**
     * @param token     enrollflow.management.token: what a session that may act must have been opened with
     * @param readToken enrollflow.management.read-token: what a session that looks must have been opened with
     */
    ConsoleSessions(RedissonClient redis, RedisKeys keys, Duration lifetime, String token, String readToken) {
        this.redis = redis;
        this.keys = keys;
        this.lifetime = lifetime;
        fingerprint(Role.OPERATOR, token);
        fingerprint(Role.VIEWER, readToken);
    }

    private void fingerprint(Role role, String token) {
        if (token != null && !token.isBlank()) {
            fingerprints.put(role, sha256(FINGERPRINT_LABEL + token.trim()).substring(0, 32));
        }
    }

    Duration lifetime() {
        return lifetime;
    }

    Created create(Role role) {
        String cookie = randomToken();
        Session session = new Session(role, randomToken());
        String generation = redis.<String>getBucket(keys.consoleGeneration(), StringCodec.INSTANCE).get();
        bucket(cookie).set(String.join(" ", role.name(), generation == null ? "0" : generation,
                fingerprints.get(role), session.csrf()), lifetime);
        return new Created(cookie, session);
    }

    /**
     * The session of this cookie value, or null: none, expired, signed out, ended with every other, or opened with a
     * token its role no longer has. One round trip reads the session and the generation together.
     */
    Session find(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
            return null;
        }
        String key = keys.consoleSession(sha256(cookie));
        Map<String, String> read = redis.getBuckets(StringCodec.INSTANCE).get(key, keys.consoleGeneration());
        String value = read.get(key);
        if (value == null) {
            return null;
        }
        // role, generation, fingerprint, CSRF token; a value of another shape (an older version's) is no session
        String[] parts = value.split(" ");
        if (parts.length != 4) {
            return null;
        }
        Role role = Arrays.stream(Role.values()).filter(r -> r.name().equals(parts[0])).findFirst().orElse(null);
        String generation = read.getOrDefault(keys.consoleGeneration(), "0");
        String expected = role == null ? null : fingerprints.get(role);
        if (expected == null || !parts[1].equals(generation) || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), parts[2].getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        return new Session(role, parts[3]);
    }

    void end(String cookie) {
        if (cookie != null && !cookie.isEmpty() && cookie.length() <= 100) {
            bucket(cookie).delete();
        }
    }

    /** {@link #endAll(RedissonClient, RedisKeys)} on this Redis. */
    long endAll() {
        return endAll(redis, keys);
    }

    /**
     * Ends every console session of the fleet on this Redis at once: raises the generation every session is checked
     * against (the sessions' own records then expire on their own). Returns the new generation.
     */
    public static long endAll(RedissonClient redis, RedisKeys keys) {
        return redis.getAtomicLong(keys.consoleGeneration()).incrementAndGet();
    }

    private RBucket<String> bucket(String cookie) {
        return redis.getBucket(keys.consoleSession(sha256(cookie)), StringCodec.INSTANCE);
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Compares two secrets in constant time (hashes first, so lengths do not leak either). */
    static boolean same(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(a).getBytes(StandardCharsets.US_ASCII), sha256(b).getBytes(StandardCharsets.US_ASCII));
    }
}

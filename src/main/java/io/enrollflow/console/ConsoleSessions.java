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
import java.util.Base64;
import java.util.HexFormat;

/**
 * Console sessions, kept in Redis so that every instance behind one address knows them and sign-out ends a session
 * everywhere. The cookie holds 32 random bytes; Redis holds only their SHA-256 (a copy of Redis gives no working
 * cookie), with the role and the session's CSRF token, and expires with the session (a fixed lifetime from sign-in).
 */
final class ConsoleSessions {

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

    private final RedissonClient redis;
    private final RedisKeys keys;
    private final Duration lifetime;

    ConsoleSessions(RedissonClient redis, RedisKeys keys, Duration lifetime) {
        this.redis = redis;
        this.keys = keys;
        this.lifetime = lifetime;
    }

    Duration lifetime() {
        return lifetime;
    }

    Created create(Role role) {
        String cookie = randomToken();
        Session session = new Session(role, randomToken());
        bucket(cookie).set(role.name() + " " + session.csrf(), lifetime);
        return new Created(cookie, session);
    }

    /** The session of this cookie value, or null (none, expired, signed out). */
    Session find(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
            return null;
        }
        String value = bucket(cookie).get();
        if (value == null) {
            return null;
        }
        int space = value.indexOf(' ');
        return new Session(Role.valueOf(value.substring(0, space)), value.substring(space + 1));
    }

    void end(String cookie) {
        if (cookie != null && !cookie.isEmpty() && cookie.length() <= 100) {
            bucket(cookie).delete();
        }
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

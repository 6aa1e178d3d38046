package io.enrollflow.management;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The management API's bearer token ({@code enrollflow.management.token}), checked in constant time (docs/contract.md §10):
 * both sides are hashed with SHA-256 first, so {@link MessageDigest#isEqual} compares equal-length digests and neither
 * the content nor the length of the token leaks through timing. The token itself is never logged nor kept in a string
 * after construction.
 */
final class BearerToken {

    enum Verdict { NOT_CONFIGURED, REFUSED, ACCEPTED }

    private static final String SCHEME = "Bearer ";

    private final byte[] expected;

    /** @param token the configured token; empty means the API is closed to everyone */
    BearerToken(String token) {
        this.expected = token == null || token.isBlank() ? null : sha256(token.trim());
    }

    /** Judges an {@code Authorization} header (null when absent). */
    Verdict check(String authorization) {
        if (expected == null) {
            return Verdict.NOT_CONFIGURED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Verdict.REFUSED;
        }
        byte[] given = sha256(authorization.substring(SCHEME.length()).trim());
        return MessageDigest.isEqual(expected, given) ? Verdict.ACCEPTED : Verdict.REFUSED;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

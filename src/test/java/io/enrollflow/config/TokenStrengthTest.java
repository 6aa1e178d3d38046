package io.enrollflow.config;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Management tokens are judged by estimated entropy (docs/contract.md §8): a person's guessable string is refused at
 * start-up with one line naming the key, and every token a generator makes (hex or base64, 32 characters or more) is
 * accepted, including the ones that happen to hold {@code 1234} or {@code 0000}. The generated tokens come from a seeded
 * generator, so a run always checks the same ones.
 */
class TokenStrengthTest {

    private static final int SAMPLES = 20_000;

    private static ManagementSettings withToken(String token) {
        return ManagementSettings.from(Settings.load(null, Map.of()).with(Map.of(ManagementSettings.TOKEN, token)));
    }

    @Test
    void theThreeWeakTokensAreRefusedNamingTheKeyButNotTheToken() {
        for (String weak : List.of("abcdabcdabcdabcd", "enrollflowreader", "qwertyuiopasdfgh")) {
            ConfigException e = assertThrows(ConfigException.class, () -> withToken(weak), weak);
            assertTrue(e.getMessage().contains("enrollflow.management.token"), e.getMessage());
            assertFalse(e.getMessage().contains(weak), e.getMessage());
        }
    }

    @Test
    void patternsStretchedToALengthAreRefused() {
        for (String weak : List.of("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "enrollflowreaderenrollflowreader",
                "qwertyuiopasdfghjklzxcvbnm1234567890", "a".repeat(64), "0123456789".repeat(4),
                "Password1Password1Password1Password1", "zyxwvutsrqponmlkjihgfedcba9876543210",
                "change-me-change-me-change-me", "short-token", "please-change-me-to-something-long-and-random")) {
            assertThrows(ConfigException.class, () -> withToken(weak), weak);
        }
    }

    @Test
    void randomHexTokensOf32And64CharactersAreAccepted() {
        Random random = new Random(32);
        for (int i = 0; i < SAMPLES; i++) {
            for (int bytes : new int[] {16, 32}) {
                String token = HexFormat.of().formatHex(bytes(random, bytes));
                assertTrue(TokenStrength.strong(token), token + ": " + TokenStrength.bits(token));
            }
        }
    }

    @Test
    void randomHexTokensHolding1234Or0000AreAccepted() {
        Random random = new Random(1234);
        for (int i = 0; i < SAMPLES; i++) {
            String hex = HexFormat.of().formatHex(bytes(random, 16));
            int at = random.nextInt(29);
            String token = hex.substring(0, at) + (i % 2 == 0 ? "1234" : "0000") + hex.substring(at + 4);
            assertEquals(32, token.length());
            assertTrue(TokenStrength.strong(token), token + ": " + TokenStrength.bits(token));
            if (i < 20) {
                assertEquals(token, withToken(token).token());
            }
        }
    }

    @Test
    void randomBase64TokensOf32CharactersAreAccepted() {
        Random random = new Random(64);
        for (int i = 0; i < SAMPLES; i++) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String token = encoder.withoutPadding().encodeToString(bytes(random, 24));
                assertEquals(32, token.length());
                assertTrue(TokenStrength.strong(token), token + ": " + TokenStrength.bits(token));
            }
        }
    }

    @Test
    void anEmptyTokenClosesTheApiAndIsNoError() {
        assertEquals("", withToken("").token());
    }

    private static byte[] bytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}

package io.enrollflow.config;

import java.util.Locale;

/**
 * How hard a management token is to guess, estimated from the token alone (docs/contract.md §8): a token under
 * {@link #REQUIRED_BITS} bits is refused at start-up.
 * <p>
 * The estimate. Each character is worth {@code log2} of the alphabet its character classes span (lower-case letters
 * 26, upper-case 26, digits 10, anything else 33, each class counted once if the token uses it at all): the number of
 * tokens of that length and those classes is what someone who knows only the token's shape must search. A character a
 * guesser would try first is worth {@link #PREDICTABLE_BITS} instead:
 * <ul>
 *   <li>the third or later of a run that keeps the same step: {@code aaa}, {@code abc}, {@code 321} (by character, case
 *       ignored), or {@code qwe}, {@code lkj}, {@code 789} along a keyboard row;</li>
 *   <li>the end of three characters the token already held earlier: the second {@code abcd} in {@code abcdabcd}.</li>
 * </ul>
 * Why this and not a password meter: a management token is a secret for machines, made by a generator, and what matters
 * is that a person's guessable string (a word walk, a keyboard walk, a pattern repeated to reach a length) falls short
 * while every generated token passes. The class estimate overrates hex, whose letters are only a to f (a 32-character
 * hex token counts 165 bits for its 128 true bits); it is kept because a shape-only estimate cannot tell hex from
 * words, and because a random token of 32 or more characters then has room for its chance runs and repeats: a random
 * hex token holds {@code 1234} or {@code 0000} about once in 550, and each costs it about 8 bits of 37 to spare. Words
 * are not recognised: a long lower-case phrase passes on length, which the documentation warns against.
 */
final class TokenStrength {

    /** The least estimated entropy a token must have. */
    static final double REQUIRED_BITS = 128;
    /** What a predictable character is worth: the guesser tries few continuations. */
    static final double PREDICTABLE_BITS = 1;

    private static final String[] KEYBOARD_ROWS = {"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"};

    private TokenStrength() {
    }

    /** True when the token's estimate reaches {@link #REQUIRED_BITS}. */
    static boolean strong(String token) {
        return bits(token) >= REQUIRED_BITS;
    }

    /** The token's estimated entropy in bits. */
    static double bits(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        double perCharacter = Math.log(alphabet(token)) / Math.log(2);
        double bits = 0;
        for (int i = 0; i < lower.length(); i++) {
            bits += predictable(lower, i) ? PREDICTABLE_BITS : perCharacter;
        }
        return bits;
    }

    /** The size of the alphabet spanned by the character classes the token uses. */
    static int alphabet(String token) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (char c : token.toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else {
                other = true;
            }
        }
        return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    }

    private static boolean predictable(String s, int i) {
        if (i < 2) {
            return false;
        }
        char a = s.charAt(i - 2);
        char b = s.charAt(i - 1);
        char c = s.charAt(i);
        int step = b - a;
        if (step >= -1 && step <= 1 && c - b == step) {
            return true;
        }
        if (keyboardRun(a, b, c)) {
            return true;
        }
        // the three characters ending here appeared before, wholly ahead of them
        int earlier = s.indexOf(s.substring(i - 2, i + 1));
        return earlier >= 0 && earlier < i - 2;
    }

    /** Three characters next to each other on one keyboard row, in one direction. */
    private static boolean keyboardRun(char a, char b, char c) {
        for (String row : KEYBOARD_ROWS) {
            int x = row.indexOf(a);
            int y = row.indexOf(b);
            int z = row.indexOf(c);
            if (x >= 0 && y >= 0 && z >= 0 && Math.abs(y - x) == 1 && z - y == y - x) {
                return true;
            }
        }
        return false;
    }
}

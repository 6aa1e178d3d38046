package io.enrollflow.util;

/**
 * The characters that can mislead whoever reads text enrollflow shows: C0 and C1 controls and DEL (they move a
 * terminal's cursor or retitle its window), the line and paragraph separators U+2028 and U+2029 (a new line to some
 * readers, not to others), and the bidirectional controls (they reorder what is displayed: {@code invoice\u202Egnp.exe}
 * reads as {@code invoiceexe.png}). The orderId rule refuses them (docs/contract.md §2); the terminal output and the
 * JSON output escape them (docs/contract.md §10).
 */
public final class UnsafeText {

    private UnsafeText() {
    }

    /** True for a control character, U+2028, U+2029, or a bidi control. */
    public static boolean isUnsafe(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || isBidiControl(c);
    }

    /**
     * The bidirectional formatting characters: the marks (U+061C, U+200E, U+200F), embeddings and overrides
     * (U+202A–U+202E) and isolates (U+2066–U+2069).
     */
    public static boolean isBidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069);
    }
}

package io.enrollflow.delivery.drive;

/**
 * How many uploads of one delivery go at once while Drive pushes back (docs/contract.md §5): additive increase,
 * multiplicative decrease, as TCP does with its window. A refusal (a 429, a rate-limit 403) halves the window, never
 * below one upload; a window's worth of successes adds one again, up to the most the settings allow
 * ({@code enrollflow.drive.parallel-uploads}). Halving at once and growing slowly settles just under the rate Drive
 * grants, instead of meeting its limit again and again.
 * <p>
 * The arithmetic is all there is: callers ask {@link #window()} and keep their own count of uploads in flight
 * ({@link UploadSlots}). Thread-safe.
 */
final class Aimd {

    private final int max;
    private int window;
    private int successes;

    /** Starts at the most: Drive's limits are met, not guessed. */
    Aimd(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one upload at a time, not " + max);
        }
        this.max = max;
        this.window = max;
    }

    /** How many uploads may be in flight now. */
    synchronized int window() {
        return window;
    }

    /** Drive asked to slow down: half as many at once (at least one); the successes counted so far start again. */
    synchronized void refused() {
        window = Math.max(1, window / 2);
        successes = 0;
    }

    /** One call went through: after a window's worth in a row, one more at once (up to the most). */
    synchronized void succeeded() {
        if (window >= max) {
            return;
        }
        if (++successes >= window) {
            window++;
            successes = 0;
        }
    }
}

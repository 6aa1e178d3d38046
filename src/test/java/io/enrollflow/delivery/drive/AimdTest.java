package io.enrollflow.delivery.drive;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window of uploads at once while Drive pushes back (docs/contract.md §5): halved on a refusal, grown again slowly. */
class AimdTest {

    @Test
    void itStartsAtTheMostTheSettingsAllow() {
        assertEquals(8, new Aimd(8).window());
    }

    @Test
    void aRefusalHalvesTheWindow() {
        Aimd aimd = new Aimd(8);

        aimd.refused();

        assertEquals(4, aimd.window());
        aimd.refused();
        assertEquals(2, aimd.window());
    }

    @Test
    void theWindowNeverFallsBelowOneUpload() {
        Aimd aimd = new Aimd(3);

        for (int i = 0; i < 10; i++) {
            aimd.refused();
        }

        assertEquals(1, aimd.window());
    }

    @Test
    void aWindowsWorthOfSuccessesAddsOne() {
        Aimd aimd = new Aimd(8);
        aimd.refused();
        aimd.refused(); // 2

        aimd.succeeded();
        assertEquals(2, aimd.window(), "one success is not yet a window's worth");
        aimd.succeeded();
        assertEquals(3, aimd.window());
        aimd.succeeded();
        aimd.succeeded();
        aimd.succeeded();
        assertEquals(4, aimd.window(), "three more at a window of three");
    }

    @Test
    void aRefusalStartsTheCountOfSuccessesAgain() {
        Aimd aimd = new Aimd(8);
        aimd.refused(); // 4
        aimd.succeeded();
        aimd.succeeded();
        aimd.succeeded();

        aimd.refused(); // 2
        aimd.succeeded();

        assertEquals(2, aimd.window(), "the successes before the refusal do not count");
    }

    @Test
    void theWindowNeverGrowsPastTheMost() {
        Aimd aimd = new Aimd(2);
        aimd.refused();

        for (int i = 0; i < 100; i++) {
            aimd.succeeded();
        }

        assertEquals(2, aimd.window());
    }

    @Test
    void aWindowOfNoUploadsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Aimd(0));
    }

    @Test
    void slotsHoldTheUploadsInFlightToTheWindow() throws Exception {
        UploadSlots slots = new UploadSlots(new Aimd(2));
        slots.acquire();
        slots.acquire();
        slots.refused(); // one slot back, and the window is one: the second still holds it

        Thread third = new Thread(() -> {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        third.start();
        third.join(300);
        assertTrue(third.isAlive(), "a third upload waits while the window of one is taken");

        slots.succeeded();
        third.join(10_000);
        assertTrue(!third.isAlive(), "it goes once the slot is free");
    }

    @Test
    void aFullJitterBackOffStaysBetweenNothingAndTheExponentialBound() {
        assertEquals(0, SlowDowns.fullJitter(1_000, 3, 0.0));
        assertEquals(8_000, SlowDowns.fullJitter(1_000, 3, 0.9999999));
        assertEquals(RetryingRequestInitializer.MAX_INTERVAL_MILLIS,
                SlowDowns.fullJitter(1_000, 30, 0.9999999), "never more than the longest single wait");
        assertEquals(500, SlowDowns.fullJitter(1_000, 0, 0.5));
    }
}

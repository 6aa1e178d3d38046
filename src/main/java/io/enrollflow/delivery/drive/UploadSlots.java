package io.enrollflow.delivery.drive;

/**
 * The uploads of one delivery in flight, held to the {@link Aimd} window: {@link #acquire} waits while the window is
 * full. A refused upload gives its slot back before it backs off, so a smaller window takes effect at once rather than
 * after the sleepers wake.
 */
final class UploadSlots {

    /** No window: every call goes at once (metadata calls, which Drive refuses seldom and which hold no upload slot). */
    static final UploadSlots UNLIMITED = new UploadSlots(null);

    /** Null for {@link #UNLIMITED}. */
    private final Aimd aimd;
    private int inFlight;

    UploadSlots(Aimd aimd) {
        this.aimd = aimd;
    }

    /** Waits for a free slot in the current window, then takes it. */
    synchronized void acquire() throws InterruptedException {
        if (aimd == null) {
            return;
        }
        while (inFlight >= aimd.window()) {
            wait();
        }
        inFlight++;
    }

    /** Gives the slot back: the call went through (a window's worth of these widens the window). */
    synchronized void succeeded() {
        release();
        if (aimd != null) {
            aimd.succeeded();
        }
    }

    /** Gives the slot back: Drive asked to slow down (the window halves). */
    synchronized void refused() {
        release();
        if (aimd != null) {
            aimd.refused();
        }
    }

    /** Gives the slot back: the call failed otherwise (the window stays as it is). */
    synchronized void release() {
        if (aimd != null) {
            inFlight--;
            notifyAll();
        }
    }

    /** The current window (for the log). */
    int window() {
        return aimd == null ? Integer.MAX_VALUE : aimd.window();
    }
}

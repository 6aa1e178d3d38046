package io.enrollflow.delivery.drive;

import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Fault;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the test made the stand-in do wrong: the injected {@link Fault}s, when they answered, and a slow link. */
final class StandInFaults {

    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Long> firedAt = new CopyOnWriteArrayList<>();
    private volatile long chunkDelayMillis;

    Fault inject(Fault fault) {
        faults.add(fault);
        return fault;
    }

    void clear() {
        faults.clear();
    }

    /** The first injected fault that answers this request instead of the stand-in, or null (counted as fired). */
    Fault firing(Call call, int uploadsCompleted) {
        for (Fault fault : faults) {
            if (fault.fires(call, uploadsCompleted)) {
                return fault;
            }
        }
        return null;
    }

    /** A fault answered (a dropped connection does not count: nothing answered). */
    void answered() {
        firedAt.add(System.nanoTime());
    }

    List<Long> firedAt() {
        return List.copyOf(firedAt);
    }

    void chunkDelay(Duration delay) {
        chunkDelayMillis = delay.toMillis();
    }

    /** Holds an upload chunk for the configured delay: a slow network, so the upload is in progress long enough to stall it. */
    void delay(Call call) {
        long delay = chunkDelayMillis;
        if (call == Call.UPLOAD_CHUNK && delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

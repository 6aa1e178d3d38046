package io.enrollflow.delivery.drive;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What every Drive request asks first (docs/contract.md §7: a run that lost its claim sends nothing more): whether this
 * instance may act now ({@code false} while it may have been presumed dead: a stall), and its generation (one more
 * each time it came back after being presumed dead). A resumable upload begun under an earlier generation belongs to a
 * run that was fenced: its remaining chunks are refused, so a file the run taking over has uploaded never arrives twice.
 *
 * @param mayAct     false while this instance's lease has lapsed
 * @param generation how many times this instance came back
 */
public record DriveGuard(BooleanSupplier mayAct, LongSupplier generation) {

    /** No guard (the delivery alone, in tests and benches). */
    public static final DriveGuard NONE = new DriveGuard(() -> true, () -> 0);
}

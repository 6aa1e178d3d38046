package io.enrollflow.enroll;

import io.enrollflow.task.TaskRun;

import java.util.function.LongSupplier;

/**
 * The fleet's enrollment rate as the enrollment client sees it (docs/contract.md §12): a call's slot is taken
 * immediately before its bytes are sent, after its connection is leased and connected, so that what the enrollment
 * API receives in any window is what the limit allows, not what was booked before a wait for a connection. The limit
 * itself lives in {@code limit.EnrollmentRateLimit}; {@link #NONE} when no rate is set.
 */
public interface RateSlots {

    /** No limit: every call goes at once. */
    RateSlots NONE = new RateSlots() {
        @Override
        public long take() {
            return 0;
        }

        @Override
        public void await(TaskRun run, LongSupplier attempt) {
            attempt.getAsLong();
        }
    };

    /**
     * Takes a slot for one call, now, without waiting: 0 when taken (the call must go at once), else the
     * milliseconds until one may free.
     */
    long take();

    /**
     * Runs {@code attempt} until it answers 0 (the call was sent), waiting in between as every fleet limit waits:
     * in place for a short wait, with the task's message naming the limit; a long one throws the limit's exception,
     * and the task is held back without using an attempt.
     *
     * @param attempt one try: leases a connection, takes a slot and sends (0), or gives the connection back and
     *                answers the wait
     */
    void await(TaskRun run, LongSupplier attempt);
}

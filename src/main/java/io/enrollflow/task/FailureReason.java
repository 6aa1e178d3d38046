package io.enrollflow.task;

import java.util.Locale;

/**
 * Why a task failed: the {@code reason} of status hashes and dead-letter records (docs/contract.md §6).
 * {@link #INTERNAL_ERROR} is enrollflow's own fault (or its routes'), not the task's: a run that ended without a
 * decision, an unexpected exception, a Redis reply that is not a connection failure.
 */
public enum FailureReason {
    INVALID_TASK, ENROLLMENT_REJECTED, ENROLLMENT_UNAVAILABLE, NOT_ENROLLED, DOWNLOAD_FAILED, DOWNLOAD_TIMEOUT,
    DELIVERY_FAILED, POISON, INTERNAL_ERROR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for a word, or null when the word names none. */
    public static FailureReason ofWord(String word) {
        for (FailureReason reason : values()) {
            if (reason.word().equals(word)) {
                return reason;
            }
        }
        return null;
    }
}

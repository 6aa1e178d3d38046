package io.enrollflow.status;

import java.util.Locale;

/**
 * The statuses of docs/contract.md §3: queued (re-queued by a replay) → processing → enrolled → downloading → uploading →
 * completed; retrying while waiting for the next attempt; failed (terminal, always with a dead-letter record).
 */
public enum TaskStatus {
    QUEUED, PROCESSING, ENROLLED, DOWNLOADING, UPLOADING, COMPLETED, RETRYING, FAILED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}

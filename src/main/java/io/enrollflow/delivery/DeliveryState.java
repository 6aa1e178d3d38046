package io.enrollflow.delivery;

import java.util.Optional;

/**
 * Durable notes a delivery keeps about one task across attempts and instances (stored as fields of the task's
 * status hash in Redis), so that delivering again reuses what exists instead of creating it twice.
 */
public interface DeliveryState {

    Optional<String> get(String field);

    /** Writes at once (not at the end of the delivery): a crash right after must still find it. */
    void put(String field, String value);
}

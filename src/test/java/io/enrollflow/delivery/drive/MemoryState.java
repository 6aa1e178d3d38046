package io.enrollflow.delivery.drive;

import io.enrollflow.delivery.DeliveryState;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A task's durable delivery notes, in memory; a new instance is a lost state. For Drive tests and the Drive bench. */
public final class MemoryState implements DeliveryState {

    private final Map<String, String> fields = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String field) {
        return Optional.ofNullable(fields.get(field));
    }

    @Override
    public void put(String field, String value) {
        fields.put(field, value);
    }
}

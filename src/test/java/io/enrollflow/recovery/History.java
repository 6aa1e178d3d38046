package io.enrollflow.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's transitions as {@code status <taskId> --json} shows them in {@code history} (docs/contract.md §3): read from the
 * list beside its status hash, oldest first.
 */
public record History(List<Entry> entries) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One transition. */
    public record Entry(String status, Instant at, String message) {
    }

    public static History of(RedissonClient redis, String taskId) {
        List<Object> newestFirst = redis.getList("enrollflow:task:" + taskId + ":history", StringCodec.INSTANCE).readAll();
        List<Entry> entries = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            try {
                JsonNode json = JSON.readTree(String.valueOf(newestFirst.get(i)));
                entries.add(new Entry(json.path("status").asText(), Instant.parse(json.path("at").asText()),
                        json.path("message").asText()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new History(entries);
    }

    /** How many transitions to this status. */
    public long count(String status) {
        return entries.stream().filter(e -> e.status().equals(status)).count();
    }

    /** When the first transition to this status after {@code after} happened; null when none. */
    public Instant firstAfter(String status, Instant after) {
        return entries.stream().filter(e -> e.status().equals(status) && e.at().isAfter(after))
                .map(Entry::at).findFirst().orElse(null);
    }
}

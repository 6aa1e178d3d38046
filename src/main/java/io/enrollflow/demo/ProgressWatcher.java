package io.enrollflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.util.Json;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Prints the demo's tasks' transitions as they happen, each once, from their status histories (docs/contract.md §3): reading
 * the history rather than the current status means no short-lived step (enrolled, uploading) is missed between two
 * polls. Polls every {@link #POLL_INTERVAL} until every task is completed or failed. Plain reads of the hash
 * {@link RedisKeys#task} and the list {@link RedisKeys#history} (newest first), as the backend would read them.
 */
final class ProgressWatcher {

    static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int STATUS_WIDTH = "downloading".length();

    /** One history entry of one task. */
    private record Step(String taskId, Instant at, String status, String message) {
    }

    private final RedissonClient redis;
    private final RedisKeys keys;
    private final PrintStream out;
    private final Instant start;
    private final int idWidth;
    private final Map<String, Integer> printed = new HashMap<>();

    ProgressWatcher(RedissonClient redis, RedisKeys keys, PrintStream out, Instant start, int idWidth) {
        this.redis = redis;
        this.keys = keys;
        this.out = out;
        this.start = start;
        this.idWidth = idWidth;
    }

    /**
     * Prints transitions until every task is terminal.
     *
     * @return each task's final status hash, in the order given
     * @throws TimeoutException when some task is still going after {@code timeout}
     */
    Map<String, Map<String, String>> awaitAll(List<String> taskIds, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Map<String, String>> hashes = poll(taskIds);
            if (hashes.values().stream().allMatch(ProgressWatcher::isTerminal)) {
                return hashes;
            }
            if (System.nanoTime() > deadline) {
                List<String> going = new ArrayList<>();
                hashes.forEach((id, hash) -> {
                    if (!isTerminal(hash)) {
                        going.add(id + " (" + hash.getOrDefault("status", "not taken yet") + ")");
                    }
                });
                throw new TimeoutException(String.join(", ", going));
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Reads every task's hash, then prints the history entries not printed yet, oldest first across tasks. */
    private Map<String, Map<String, String>> poll(List<String> taskIds) {
        Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
        List<Step> fresh = new ArrayList<>();
        for (String id : taskIds) {
            // the hash first: the history read after it holds at least the transition to the hash's status
            hashes.put(id, hash(id));
            List<String> history = history(id);
            int seen = printed.getOrDefault(id, 0);
            for (int i = seen; i < history.size(); i++) {
                fresh.add(step(id, history.get(i)));
            }
            printed.put(id, Math.max(seen, history.size()));
        }
        fresh.sort(Comparator.comparing(Step::at));
        fresh.forEach(this::print);
        return hashes;
    }

    private Map<String, String> hash(String taskId) {
        Map<String, String> out = new LinkedHashMap<>();
        redis.getMap(keys.task(taskId), StringCodec.INSTANCE).readAllMap()
                .forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    /** Oldest first. */
    private List<String> history(String taskId) {
        List<Object> newestFirst = redis.getList(keys.history(taskId), StringCodec.INSTANCE).readAll();
        List<String> out = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            out.add(String.valueOf(newestFirst.get(i)));
        }
        return out;
    }

    private void print(Step step) {
        double seconds = Math.max(0, Duration.between(start, step.at()).toMillis()) / 1000.0;
        String message = step.message().isBlank() || step.message().equalsIgnoreCase(step.status()) ? "" : step.message();
        out.println(String.format(Locale.ROOT, "  %6.1fs  %-" + idWidth + "s  %-" + STATUS_WIDTH + "s  %s",
                seconds, step.taskId(), step.status(), message).stripTrailing());
        out.flush();
    }

    private static Step step(String taskId, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            Instant at;
            try {
                at = Instant.parse(node.path("at").asText());
            } catch (DateTimeParseException e) {
                at = Instant.now();
            }
            return new Step(taskId, at, node.path("status").asText("?"), node.path("message").asText(""));
        } catch (Exception notJson) {
            // the history is enrollflow's own writing; should an entry ever not parse, show it as it is
            return new Step(taskId, Instant.now(), "?", json);
        }
    }

    static boolean isTerminal(Map<String, String> hash) {
        String word = hash.get("status");
        return TaskStatus.COMPLETED.word().equals(word) || TaskStatus.FAILED.word().equals(word);
    }
}

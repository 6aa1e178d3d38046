package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.status.StatusStore;
import io.enrollflow.util.Json;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * What the console shows of an instance besides its heartbeat: host, start time, concurrency, the heartbeat's
 * lifetime (so its age can be read from the key's remaining TTL with Redis's clock, not the instances' clocks), and its
 * work disk: the free space last read and {@code enrollflow.download.min-free} (-1 when unknown). Written by
 * {@link io.enrollflow.queue.Recovery} with each heartbeat.
 */
public record InstanceDetails(String host, String startedAt, int concurrency, long heartbeatTtlMs, long diskFree,
                              long diskMinFree) {

    private static final ObjectMapper JSON = Json.MAPPER;

    /** This instance, started now. */
    public static InstanceDetails of(int concurrency, Duration heartbeatTtl) {
        return new InstanceDetails(hostName(), StatusStore.now(), concurrency, heartbeatTtl.toMillis(), -1, -1);
    }

    /** The same, with this work disk reading. */
    public InstanceDetails withDisk(long free, long minFree) {
        return new InstanceDetails(host, startedAt, concurrency, heartbeatTtlMs, free, minFree);
    }

    /** Whether downloads on this instance wait for disk space (as last read). */
    boolean diskLow() {
        return diskFree >= 0 && diskFree < diskMinFree;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // no name resolvable: the console shows the instance without one
            return "unknown";
        }
    }

    public String json() {
        ObjectNode node = JSON.createObjectNode();
        node.put("host", host);
        node.put("startedAt", startedAt);
        node.put("concurrency", concurrency);
        node.put("heartbeatTtlMs", heartbeatTtlMs);
        node.put("diskFree", diskFree);
        node.put("diskMinFree", diskMinFree);
        return Json.write(node);
    }

    /** Parses what {@link #json()} wrote; null for null or unreadable text. */
    static InstanceDetails parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return new InstanceDetails(node.path("host").asText(), node.path("startedAt").asText(),
                    node.path("concurrency").asInt(), node.path("heartbeatTtlMs").asLong(),
                    node.path("diskFree").asLong(-1), node.path("diskMinFree").asLong(-1));
        } catch (java.io.IOException e) {
            // written by another version: shown as unknown
            return null;
        }
    }
}

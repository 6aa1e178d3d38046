package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.redis.RedisKeys;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;

/**
 * The fleet's Drive sign-in in Redis: one key, {@link RedisKeys#driveSignInRefused()}, holding
 * {@code {"since": ISO-8601, "detail": "…"}} from the first refused token exchange (on any instance) until a delivery
 * goes through (on any instance). One key, so the console and {@code /observe/health} read it with one GET, and every
 * instance shares it: the credentials file is the fleet's. A Redis error here never changes a task's fate; it is logged
 * and the state catches up at the next delivery.
 */
public final class FleetDriveSignIn implements DriveSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(FleetDriveSignIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the key holds: since when, and the line to show. */
    public record Refusal(String since, String detail) {

        /** The key's value as stored, or empty when there is none (or it is not what this class writes). */
        public static Optional<Refusal> parse(Object stored) {
            if (stored == null) {
                return Optional.empty();
            }
            try {
                JsonNode node = JSON.readTree(String.valueOf(stored));
                return Optional.of(new Refusal(node.path("since").asText(""), node.path("detail").asText("")));
            } catch (Exception e) {
                return Optional.empty();
            }
        }
    }

    private final RBucket<String> key;

    public FleetDriveSignIn(RedissonClient redis, RedisKeys keys) {
        this.key = redis.getBucket(keys.driveSignInRefused(), StringCodec.INSTANCE);
    }

    /** Whether Drive refuses the fleet's credentials now, as far as the last delivery knows. */
    public Optional<Refusal> refusal() {
        return Refusal.parse(key.get());
    }

    @Override
    public void refused(String detail) {
        try {
            // the first refusal's time stands: "since" is when deliveries began to fail
            if (key.setIfAbsent(JSON.createObjectNode().put("since", Instant.now().toString()).put("detail", detail)
                    .toString())) {
                LOG.warn("task=- stage=deliver outcome=drive-sign-in-refused detail=\"{}\"", detail);
            }
        } catch (RuntimeException e) {
            LOG.warn("task=- stage=deliver outcome=drive-sign-in-not-recorded detail=\"{}\" error=\"{}\"", detail,
                    e.getMessage());
        }
    }

    @Override
    public void accepted() {
        try {
            if (key.delete()) {
                LOG.info("task=- stage=deliver outcome=drive-sign-in-accepted");
            }
        } catch (RuntimeException e) {
            LOG.warn("task=- stage=deliver outcome=drive-sign-in-not-recorded error=\"{}\"", e.getMessage());
        }
    }
}

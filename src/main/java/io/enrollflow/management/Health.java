package io.enrollflow.management;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.delivery.drive.FleetDriveSignIn;
import io.enrollflow.limit.DiskSpace;
import io.enrollflow.queue.IntakePause;
import io.enrollflow.util.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;

import java.util.concurrent.TimeUnit;

/**
 * The health checks behind {@code /observe/health[/live|/ready]} (docs/contract.md §7, §8), our own rather than camel-health's
 * (see {@link ManagementServer} for why):
 * <ul>
 *   <li>live: the JVM answers and the Camel context runs (starting, started or stopping) — DOWN only once it stopped,
 *       so a restart by the orchestrator is asked for only when restarting can help;</li>
 *   <li>ready: the Camel context is started (not starting, not stopping) and Redis answers a PING within
 *       {@link #REDIS_PING_TIMEOUT_MS} — DOWN during start-up, shutdown and Redis outages.</li>
 * </ul>
 * Intake being paused is reported but is not unhealthy. So is Drive refusing the fleet's credentials (the check
 * {@code drive}, present only then, DOWN with a detail that says what to do): restarting cannot mend it, and work up to
 * delivery goes on. The same holds for the work disk (the check {@code disk}, DOWN with a detail while it has less than
 * {@code enrollflow.download.min-free}): downloads wait for space, and a restart frees none. It reports the reading
 * {@link DiskSpace} last made, so a hung mount cannot stall a probe.
 */
public class Health {

    /** How long the readiness check waits for Redis's PONG. */
    static final long REDIS_PING_TIMEOUT_MS = 1_000;

    private static final ObjectMapper JSON = Json.MAPPER;

    /**
     * One answer: UP or DOWN, and the checks it is made of.
     *
     * @param json {@code {"status":"UP"|"DOWN","checks":{<name>:{"status":…,…}}}}
     */
    public record Report(boolean up, ObjectNode json) {
    }

    private final CamelContext camel;
    private final RedissonClient redis;
    private final IntakePause pause;
    private final FleetDriveSignIn driveSignIn;
    private final DiskSpace disk;

    public Health(CamelContext camel, RedissonClient redis, IntakePause pause, FleetDriveSignIn driveSignIn,
                  DiskSpace disk) {
        this.camel = camel;
        this.redis = redis;
        this.pause = pause;
        this.driveSignIn = driveSignIn;
        this.disk = disk;
    }

    public Report live() {
        ObjectNode checks = JSON.createObjectNode();
        boolean up = camelCheck(checks, false);
        return report(up, checks);
    }

    public Report ready() {
        ObjectNode checks = JSON.createObjectNode();
        boolean camelUp = camelCheck(checks, true);
        boolean redisUp = redisCheck(checks);
        diskCheck(checks);
        return report(camelUp && redisUp, checks);
    }

    /** {@code /observe/health}: ready (which needs live). */
    public Report overall() {
        return ready();
    }

    private boolean camelCheck(ObjectNode checks, boolean mustBeStarted) {
        ServiceStatus status = camel.getStatus();
        boolean up = mustBeStarted ? status.isStarted()
                : status.isStarting() || status.isStarted() || status.isStopping() || status.isSuspending() || status.isSuspended();
        ObjectNode check = checks.putObject("camel");
        check.put("status", up ? "UP" : "DOWN");
        check.put("state", status.name().toLowerCase(java.util.Locale.ROOT));
        return up;
    }

    private boolean redisCheck(ObjectNode checks) {
        ObjectNode check = checks.putObject("redis");
        boolean up;
        String problem = null;
        try {
            up = redis.getRedisNodes(RedisNodes.SINGLE).getInstance().ping(REDIS_PING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (!up) {
                problem = "no answer to PING within " + REDIS_PING_TIMEOUT_MS + " ms";
            }
        } catch (RuntimeException e) {
            up = false;
            problem = e.getClass().getSimpleName();
        }
        check.put("status", up ? "UP" : "DOWN");
        if (problem != null) {
            check.put("error", problem);
        }
        if (up) {
            try {
                IntakePause.State state = pause.state();
                ObjectNode intake = checks.putObject("intake");
                intake.put("status", "UP");
                intake.put("state", state.word());
                if (state.since() != null) {
                    intake.put("pausedSince", state.since());
                }
                driveSignIn.refusal().ifPresent(refusal -> checks.putObject("drive").put("status", "DOWN")
                        .put("detail", "drive: " + refusal.detail()).put("since", refusal.since()));
            } catch (RuntimeException e) {
                // Redis went away between the PING and this read: the PING's answer stands
            }
        }
        return up;
    }

    private void diskCheck(ObjectNode checks) {
        long free = disk.lastUsable();
        ObjectNode check = checks.putObject("disk");
        boolean up = free >= disk.minFree();
        check.put("status", up ? "UP" : "DOWN");
        if (free >= 0) {
            check.put("freeBytes", free);
        }
        check.put("minFreeBytes", disk.minFree());
        if (free < 0) {
            check.put("detail", "work disk: its free space could not be read; downloads cannot start");
        } else if (!up) {
            check.put("detail", "work disk: " + free + " bytes free, " + disk.minFree()
                    + " needed (enrollflow.download.min-free); downloads wait until space is freed");
        }
    }

    private static Report report(boolean up, ObjectNode checks) {
        ObjectNode json = JSON.createObjectNode();
        json.put("status", up ? "UP" : "DOWN");
        json.set("checks", checks);
        return new Report(up, json);
    }
}

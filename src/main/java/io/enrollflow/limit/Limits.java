package io.enrollflow.limit;

import io.enrollflow.config.LimitSettings;
import io.enrollflow.delivery.BeforeDelivery;
import io.enrollflow.logging.Event;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The fleet-wide limits of one instance (docs/contract.md §12), built once at start-up from {@link LimitSettings}: where each
 * is asked ({@link #enrollRate()} by the enroll route, {@link #permits()} by the download step,
 * {@link #beforeDriveDelivery()} and {@link #drivePause()} by Drive delivery), {@link #context()} for the routes'
 * hold-back decision ({@code pipeline.HoldBack}), and the metrics.
 */
public final class Limits {

    private static final Logger LOG = LogManager.getLogger(Limits.class);

    /** How long a scrape waits for Redis before reporting the limits' gauges as unknown. */
    private static final long SCRAPE_TIMEOUT_MS = 1_000;

    private final EnrollmentRateLimit enrollRate;
    private final DownloadPermits permits;
    private final UploadBudget uploadBudget;
    private final DrivePause drivePause;
    private final LimitContext context;
    private final LimitMetrics metrics;

    /**
     * @param lease how long a download permit lives unrenewed: the heartbeat's TTL
     */
    public Limits(LimitSettings limits, RedissonClient redis, RedisScripts scripts, RedisKeys keys,
                  StatusStore status, Duration lease, String instanceId) {
        this.metrics = new LimitMetrics(this::permitsInUse, this::drivePaused);
        this.context = new LimitContext(redis, scripts, keys, new LimitGate(status, metrics), instanceId);
        this.enrollRate = new EnrollmentRateLimit(context, limits.enrollRate());
        this.permits = new DownloadPermits(context, limits.maxDownloads(), lease);
        this.uploadBudget = new UploadBudget(context, limits.uploadBytesPerDay(), limits.uploadPerDay());
        this.drivePause = new DrivePause(context);
        Event.info(LOG).stage("limits").kv("enroll_rate", limits.enrollRate() == null ? "none" : limits.enrollRate())
                .kv("download_max_concurrent", limits.maxDownloads() == 0 ? "none" : limits.maxDownloads())
                .kv("drive_max_upload_per_day", limits.uploadBytesPerDay() == 0 ? "none" : limits.uploadPerDay()).log();
    }

    public EnrollmentRateLimit enrollRate() {
        return enrollRate;
    }

    public DownloadPermits permits() {
        return permits;
    }

    public DrivePause drivePause() {
        return drivePause;
    }

    /** What a limit's hold-back needs: Redis, its scripts and keys, the gate, this instance. */
    public LimitContext context() {
        return context;
    }

    /** Before a Drive delivery: the fleet's Drive pause, then the daily budget. */
    public BeforeDelivery beforeDriveDelivery() {
        return (run, taskDir) -> {
            drivePause.beforeDelivery(run);
            uploadBudget.reserve(run, taskDir);
        };
    }

    /** Binds the limits' metrics to the management registry. */
    public void bindMetrics(MeterRegistry registry) {
        metrics.bindTo(registry);
    }

    private double permitsInUse() {
        try {
            return permits.inUseAsync().get(SCRAPE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Redis unreachable or slow: unknown for this scrape
            return Double.NaN;
        }
    }

    private double drivePaused() {
        try {
            return drivePause.leftAsync().get(SCRAPE_TIMEOUT_MS, TimeUnit.MILLISECONDS) > 0 ? 1 : 0;
        } catch (Exception e) {
            // Redis unreachable or slow: unknown for this scrape
            return Double.NaN;
        }
    }
}

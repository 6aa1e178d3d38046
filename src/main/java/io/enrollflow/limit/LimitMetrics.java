package io.enrollflow.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The limits' metrics, bound to the management registry at start-up:
 * <ul>
 *   <li>{@code enrollflow_limit_waits_total{limit}}: a task met a limit and waited (in place or held back);</li>
 *   <li>{@code enrollflow_limit_wait_seconds_total{limit}}: seconds waited in place, plus the planned wait of each
 *       hold-back;</li>
 *   <li>{@code enrollflow_download_permits_in_use}: the fleet's download leases (read from Redis at scrape);</li>
 *   <li>{@code enrollflow_drive_pause_active}: 1 while Drive calls are paused fleet-wide.</li>
 * </ul>
 * Before {@link #bindTo} (and in tools without a management server) the recording calls do nothing.
 */
public class LimitMetrics implements MeterBinder {

    private final DoubleSupplier permitsInUse;
    private final DoubleSupplier drivePaused;
    private volatile MeterRegistry registry;

    public LimitMetrics(DoubleSupplier permitsInUse, DoubleSupplier drivePaused) {
        this.permitsInUse = permitsInUse;
        this.drivePaused = drivePaused;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Limit limit : Limit.values()) {
            // registered at 0, so that a rate over them has a series before the first wait
            waits(registry, limit);
            seconds(registry, limit);
        }
        Gauge.builder("enrollflow.download.permits.in.use", permitsInUse::getAsDouble)
                .description("Download permits held in the whole fleet").register(registry);
        Gauge.builder("enrollflow.drive.pause.active", drivePaused::getAsDouble)
                .description("1 while Drive calls are paused for the whole fleet").register(registry);
        this.registry = registry;
    }

    /** One wait at a limit, of this length (in place, or planned for a hold-back). */
    void waited(Limit limit, Duration length) {
        MeterRegistry bound = registry;
        if (bound != null) {
            waits(bound, limit).increment();
            seconds(bound, limit).increment(length.toNanos() / 1e9);
        }
    }

    private static Counter waits(MeterRegistry registry, Limit limit) {
        return Counter.builder("enrollflow.limit.waits").description("Waits of tasks at a fleet-wide limit")
                .tag("limit", limit.word()).register(registry);
    }

    private static Counter seconds(MeterRegistry registry, Limit limit) {
        return Counter.builder("enrollflow.limit.wait.seconds").description("Seconds tasks waited at a fleet-wide limit")
                .tag("limit", limit.word()).register(registry);
    }
}

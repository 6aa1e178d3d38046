package io.enrollflow.runtime;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Settings;
import io.enrollflow.deadletter.DeadLetterIndexing;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.delivery.DeliveryStep;
import io.enrollflow.delivery.drive.DriveDelivery;
import io.enrollflow.delivery.drive.DriveGuard;
import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.download.DownloadCommand;
import io.enrollflow.download.DownloadRunner;
import io.enrollflow.download.DownloadStep;
import io.enrollflow.enroll.EnrollmentClient;
import io.enrollflow.limit.LimitSettings;
import io.enrollflow.limit.Limits;
import io.enrollflow.management.Management;
import io.enrollflow.management.Metrics;
import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.Membership;
import io.enrollflow.queue.RedisQueueComponent;
import io.enrollflow.queue.Recovery;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.retry.Backoff;
import io.enrollflow.retry.FailureHandler;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.TaskIntake;
import io.enrollflow.task.TaskParser;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.redisson.api.RedissonClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every bean the routes use, made in one place from the settings. The settings that need no Camel are checked in the
 * constructor, before anything starts, so a bad one stops start-up with one line naming its key.
 */
public class EnrollflowBeans implements CamelConfiguration {

    /** enrollflow.queue.poll-timeout's bounds: BLMOVE's 0 would block for ever, and a stop waits up to the maximum. */
    static final Duration POLL_TIMEOUT_MIN = Duration.ofMillis(100);
    static final Duration POLL_TIMEOUT_MAX = Duration.ofSeconds(60);

    private final Settings settings;
    private final RedissonClient redis;
    private final String instanceId;

    private final TaskParser parser;
    private final DownloadRunner downloads;
    private final Backoff backoff;
    private final String target;
    private final RedisKeys keys;
    private final LimitSettings limits;

    public EnrollflowBeans(Settings settings, RedissonClient redis, String instanceId) {
        this.settings = settings;
        this.redis = redis;
        this.instanceId = instanceId;
        Set<String> hosts = new HashSet<>();
        settings.list("enrollflow.task.allowed-hosts").forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        this.parser = new TaskParser(settings.integer("enrollflow.download.quality", 1, 100_000), hosts);
        this.downloads = new DownloadRunner(
                DownloadCommand.parse(settings.text(DownloadCommand.KEY)),
                Path.of(settings.required("enrollflow.download.work-dir")),
                settings.duration("enrollflow.download.timeout"),
                settings.pattern("enrollflow.download.not-enrolled-pattern"));
        this.backoff = new Backoff(settings.duration("enrollflow.retry.initial-delay"),
                settings.decimal("enrollflow.retry.multiplier", 1, 100), settings.duration("enrollflow.retry.max-delay"));
        this.keys = RedisKeys.from(settings);
        this.target = settings.choice("enrollflow.delivery.target", "drive", "folder");
        if (target.equals("drive")) {
            DriveDelivery.check(settings);
        }
        settings.httpUrl("enrollflow.enroll.url");
        settings.pattern("enrollflow.enroll.already-enrolled-pattern");
        settings.integer("enrollflow.worker.concurrency", 1, 1000);
        settings.duration("enrollflow.worker.shutdown-timeout");
        settings.duration("enrollflow.queue.poll-timeout", POLL_TIMEOUT_MIN, POLL_TIMEOUT_MAX);
        settings.duration("enrollflow.queue.recovery-timeout");
        settings.integer("enrollflow.queue.max-deliveries", 1, 1000);
        settings.duration("enrollflow.enroll.timeout");
        settings.flag("enrollflow.download.keep");
        RedisScripts.check(settings);
        Management.check(settings);
        this.limits = LimitSettings.from(settings);
    }

    @Override
    public void configure(CamelContext camel) {
        // Settings already folded the ENROLLFLOW_* variables in, and derived values from them (an empty
        // enrollflow.queue.key becomes <namespace>:tasks); Camel's own look-up of a placeholder in the environment would
        // put the raw variable back over the derived value
        ((PropertiesComponent) camel.getPropertiesComponent())
                .setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        RedisScripts scripts = RedisScripts.from(settings, redis);
        Membership membership = new Membership(instanceId);
        StatusStore status = new StatusStore(redis, scripts, keys,
                settings.integer("enrollflow.status.history-size", 1, 10_000), membership,
                settings.integer("enrollflow.queue.max-deliveries", 1, 1000));
        DeadLetterStore deadLetters = new DeadLetterStore(redis, scripts, keys, status,
                settings.integer("enrollflow.dead-letter.warn-size", 0, Integer.MAX_VALUE));
        DeadLetterIndexing.start(deadLetters,
                camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "dead-letter-indexing"));
        RetrySchedule retries = new RetrySchedule(scripts, keys, status, backoff,
                settings.integer("enrollflow.retry.max-attempts", 1, 1000));

        InFlight inFlight = new InFlight();
        Recovery recovery = new Recovery(camel, redis, scripts, keys, membership,
                settings.duration("enrollflow.queue.recovery-timeout"), inFlight);
        recovery.details(io.enrollflow.console.InstanceDetails.of(settings.integer("enrollflow.worker.concurrency", 1, 1000),
                recovery.heartbeatTtl()).json());
        RedisQueueComponent queue = camel.getComponent("redis-queue", RedisQueueComponent.class);
        queue.setRedisson(redis);
        queue.setKeys(keys);
        queue.setInstanceId(instanceId);
        queue.setInFlight(inFlight);
        queue.setMembership(membership);
        queue.setRecovery(recovery);
        try {
            camel.addService(recovery, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start crash recovery", e);
        }

        Limits fleetLimits = new Limits(limits, settings, redis, scripts, keys, status, inFlight,
                recovery.heartbeatTtl(), instanceId);
        recovery.onHeartbeat(fleetLimits.permits()::renew);

        DeliveryStep delivery = new DeliveryStep(downloads, status, settings.flag("enrollflow.download.keep"),
                "drive".equals(target) ? fleetLimits.beforeDriveDelivery() : DeliveryStep.BeforeDelivery.NONE);
        // deliver.camel.yaml chooses between the two on enrollflow.delivery.target at start-up; only the chosen one is
        // built (Drive needs its key file and folder)
        if ("drive".equals(target)) {
            // no Drive request leaves while this instance may have been presumed dead (its lease lapsed: a stall), and
            // no upload begun before it came back goes on; every one waits out the fleet's Drive pause (CONTRACT §12)
            camel.getRegistry().bind("driveDelivery", delivery.via(DriveDelivery.create(settings, camel,
                    new DriveGuard(membership::leaseHeld, membership::generation), fleetLimits.drivePause())));
        } else {
            camel.getRegistry().bind("folderDelivery", delivery.via(new FolderDelivery(
                    Path.of(settings.required("enrollflow.delivery.folder")), !settings.flag("enrollflow.download.keep"))));
        }

        Management.install(camel, settings, redis, keys, scripts, status, deadLetters, inFlight);
        fleetLimits.bindMetrics(camel.getRegistry().lookupByNameAndType("metrics", Metrics.class).registry());

        var registry = camel.getRegistry();
        registry.bind("taskIntake", new TaskIntake(parser, status, inFlight::heldByAnother));
        registry.bind("enrollment", new EnrollmentClient(settings.httpUrl("enrollflow.enroll.url"),
                settings.text("enrollflow.enroll.token"), settings.duration("enrollflow.enroll.timeout"),
                settings.pattern("enrollflow.enroll.already-enrolled-pattern"), status));
        registry.bind("download", new DownloadStep(downloads, status, fleetLimits.permits()));
        registry.bind("delivery", delivery);
        registry.bind("enrollRate", fleetLimits.enrollRate());
        registry.bind("holdBack", fleetLimits.holdBack());
        FailureHandler failures = new FailureHandler(retries, deadLetters, status, inFlight);
        queue.setUndecided(failures::undecided);
        registry.bind("failures", failures);
        registry.bind("retrySchedule", retries);
    }
}

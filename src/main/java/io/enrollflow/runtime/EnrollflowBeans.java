package io.enrollflow.runtime;

import io.enrollflow.config.DeliverySettings;
import io.enrollflow.config.DiskSettings;
import io.enrollflow.config.DownloadSettings;
import io.enrollflow.config.EnrollmentSettings;
import io.enrollflow.config.ManagementSettings;
import io.enrollflow.config.RetrySettings;
import io.enrollflow.config.RuntimeSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.config.TaskSettings;
import io.enrollflow.console.Console;
import io.enrollflow.console.InstanceDetails;
import io.enrollflow.console.JdkHttpConsole;
import io.enrollflow.deadletter.DeadLetterIndexing;
import io.enrollflow.deadletter.DeadLetterTrim;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.delivery.BeforeDelivery;
import io.enrollflow.delivery.drive.DriveDelivery;
import io.enrollflow.delivery.drive.FleetDriveSignIn;
import io.enrollflow.delivery.drive.DriveGuard;
import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.download.DownloadRunner;
import io.enrollflow.enroll.EnrollmentClient;
import io.enrollflow.limit.DiskSpace;
import io.enrollflow.limit.Limits;
import io.enrollflow.logging.Event;
import io.enrollflow.management.Management;
import io.enrollflow.management.Metrics;
import io.enrollflow.pipeline.DeliveryStep;
import io.enrollflow.pipeline.DownloadStep;
import io.enrollflow.pipeline.FailureHandler;
import io.enrollflow.pipeline.HoldBack;
import io.enrollflow.pipeline.TaskIntake;
import io.enrollflow.pipeline.WorkDirSweep;
import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.Recovery;
import io.enrollflow.queue.RedisQueueComponent;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.retry.Backoff;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.status.Membership;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.TaskParser;
import io.enrollflow.tracing.TracingSetup;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.properties.PropertiesComponent;
import org.redisson.api.RedissonClient;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;

/**
 * Every bean the routes use, made in one place from the settings, which {@link RuntimeSettings} parsed and checked
 * before anything started.
 */
public class EnrollflowBeans implements CamelConfiguration {

    private static final Logger LOG = LogManager.getLogger(EnrollflowBeans.class);
    /** How often the work disk's free space is read for the health check and the console. */
    private static final Duration DISK_READING_PERIOD = Duration.ofSeconds(5);

    private final Settings settings;
    private final RuntimeSettings parsed;
    private final RedissonClient redis;
    /** The heartbeat's own client (queue.Heartbeat says why). */
    private final RedissonClient heartbeatRedis;
    private final String instanceId;

    private final TaskParser parser;
    private final DownloadRunner downloads;
    private final Backoff backoff;
    private final RedisKeys keys;

    /**
     * @param settings       the raw settings: only Drive delivery reads them (its own record, {@code DriveSettings})
     * @param parsed         every other setting, parsed once
     * @param heartbeatRedis the heartbeat's own client ({@code RedisConnection.connectForHeartbeat})
     */
    public EnrollflowBeans(Settings settings, RuntimeSettings parsed, RedissonClient redis, RedissonClient heartbeatRedis,
                           String instanceId) {
        this.settings = settings;
        this.parsed = parsed;
        this.redis = redis;
        this.heartbeatRedis = heartbeatRedis;
        this.instanceId = instanceId;
        this.parser = new TaskParser(parsed.task().defaultQuality(), parsed.task().allowedHosts());
        if (parsed.task().allowedHosts().isEmpty()) {
            // only local and private hosts are refused then (docs/contract.md §10): the download tool fetches from any
            // other host a task names, and delivers what it gets
            Event.warn(LOG).stage("startup").outcome("any-course-host").kv("setting", TaskSettings.ALLOWED_HOSTS)
                    .note("empty: a courseUrl may name any public host; set it to the course platform's hosts").log();
        }
        DownloadSettings download = parsed.download();
        this.downloads = new DownloadRunner(parsed.downloadCommand(), download.workDir(), download.timeout(),
                download.notEnrolled(), download.nice());
        RetrySettings retry = parsed.retry();
        this.backoff = new Backoff(retry.initialDelay(), retry.multiplier(), retry.maxDelay());
        this.keys = RedisKeys.from(parsed.redis());
    }

    @Override
    public void configure(CamelContext camel) {
        // Settings already folded the ENROLLFLOW_* variables in, and derived values from them (an empty
        // enrollflow.queue.key becomes <namespace>:tasks); Camel's own look-up of a placeholder in the environment would
        // put the raw variable back over the derived value
        ((PropertiesComponent) camel.getPropertiesComponent())
                .setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        // before any route is made: camel-opentelemetry2 puts its route policy on each
        TracingSetup.install(camel, parsed.tracing(), instanceId, System.getenv());
        RedisScripts scripts = RedisScripts.from(parsed.redis(), redis);
        Membership membership = new Membership(instanceId);
        StatusStore status = new StatusStore(redis, scripts, keys, parsed.status().historySize(), membership,
                parsed.queue().maxDeliveries());
        status.retainCompleted(parsed.status().retention());
        status.retainOrderIndex(parsed.status().retention(), parsed.status().deadLetterMaxAge());
        DeadLetterStore deadLetters = new DeadLetterStore(redis, scripts, keys, status,
                parsed.status().deadLetterWarnSize());
        DeadLetterIndexing.start(deadLetters,
                camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "dead-letter-indexing"));
        RetrySchedule retries = new RetrySchedule(scripts, keys, status, backoff, parsed.retry().maxAttempts());

        InFlight inFlight = new InFlight();
        Recovery recovery = new Recovery(camel, redis, heartbeatRedis, scripts, keys, membership,
                parsed.queue().recoveryTimeout(), inFlight);
        InstanceDetails details = InstanceDetails.of(parsed.queue().concurrency(), recovery.heartbeatTtl());
        recovery.details(details.json());
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

        Limits fleetLimits = new Limits(parsed.limits(), redis, scripts, keys, status,
                recovery.heartbeatTtl(), instanceId);
        recovery.onHeartbeat(fleetLimits.permits()::renew);

        boolean drive = parsed.delivery().target() == DeliverySettings.Target.DRIVE;
        DeliveryStep delivery = new DeliveryStep(downloads, status, parsed.download().keep(),
                drive ? fleetLimits.beforeDriveDelivery() : BeforeDelivery.NONE);
        // deliver.camel.yaml chooses between the two on enrollflow.delivery.target at start-up; only the chosen one is
        // built (Drive needs its key file and folder)
        if (drive) {
            // no Drive request leaves while this instance may have been presumed dead (its lease lapsed: a stall), and
            // no upload begun before it came back goes on; every one waits out the fleet's Drive pause (docs/contract.md §12);
            // a refused sign-in is the fleet's to see (the console, health) until a delivery goes through
            DriveDelivery toDrive = DriveDelivery.create(settings, camel,
                    new DriveGuard(membership::leaseHeld, membership::generation), fleetLimits.drivePause(),
                    new FleetDriveSignIn(redis, keys));
            camel.getRegistry().bind("deliverToDrive", (Processor) delivery.via(toDrive)::deliver);
            // the daily upload budget books a task's whole folder before its first byte goes up, and the folder's size
            // is known only when the download has ended: with a budget, nothing goes up during the download
            if (parsed.delivery().overlap() && parsed.limits().uploadBytesPerDay() <= 0) {
                delivery.overlapWith(toDrive, parsed.delivery().quietPeriod());
            }
        } else {
            camel.getRegistry().bind("deliverToFolder", (Processor) delivery.via(
                    new FolderDelivery(parsed.delivery().folder(), !parsed.download().keep()))::deliver);
        }

        DiskSettings disk = DiskSettings.from(settings);
        DiskSpace diskSpace = new DiskSpace(fleetLimits.context().gate(), parsed.download().workDir(), disk.minFree());
        ManagementSettings management = parsed.management();
        Management.install(camel, management, parsed.callback(), redis, keys, scripts, status, deadLetters, inFlight,
                diskSpace,
                (replays, pause, wrongTokens) -> new JdkHttpConsole(new Console(redis, keys, status, deadLetters, replays,
                        pause, management.token(), management.readToken(), management.sessionTimeout(), wrongTokens)));
        Metrics metrics = camel.getRegistry().lookupByNameAndType("metrics", Metrics.class);
        fleetLimits.bindMetrics(metrics.registry());
        // retention (docs/contract.md §14): the dead letters bounded by age and count, and the work directory's logs
        // and failed folders, background rounds on one thread
        var housekeeping = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "retention");
        new DeadLetterTrim(scripts, keys, parsed.status().deadLetterMaxAge(), parsed.status().deadLetterMax(),
                metrics.registry()).start(housekeeping);
        new WorkDirSweep(parsed.download().workDir(), redis, keys, disk, inFlight::holds).start(housekeeping);
        // the work disk as the health check, and with each heartbeat the console, see it (docs/contract.md §5, §8)
        diskSpace.watch(housekeeping, DISK_READING_PERIOD,
                free -> recovery.details(details.withDisk(free, disk.minFree()).json()));

        var registry = camel.getRegistry();
        // the pipeline's steps (pipeline, enroll, download and deliver.camel.yaml: "process: ref:") are Processors, called
        // directly: no bean-method lookup and no reflective call per step and task
        TaskIntake intake = new TaskIntake(parser, status, inFlight::heldByAnother);
        registry.bind("claimTask", (Processor) intake::claim);
        // the enrollment rate is taken by the call itself, at the wire (EnrollmentClient); an operator's copy of the
        // enroll route may still name this step, which passes
        registry.bind("acquireEnrollRate", (Processor) exchange -> { });
        EnrollmentSettings enrollment = parsed.enrollment();
        EnrollmentClient client = new EnrollmentClient(enrollment.url(), enrollment.token(), enrollment.timeout(),
                enrollment.alreadyEnrolled(), status, parsed.queue().concurrency(), fleetLimits.enrollRate());
        try {
            // its kept-alive connections and deadline timer are closed when the context stops, after the routes
            camel.addService(client, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the enrollment client", e);
        }
        registry.bind("prepareEnrollment", (Processor) client::prepareRequest);
        registry.bind("callEnrollment", (Processor) client::call);
        registry.bind("classifyEnrollment", (Processor) client::classify);
        registry.bind("recordEnrolled", (Processor) client::recordEnrolled);
        diskSpace.bindMetrics(camel.getRegistry().lookupByNameAndType("metrics", Metrics.class).registry());
        DownloadStep download = new DownloadStep(downloads, status, fleetLimits.permits(), diskSpace, delivery::overlap);
        registry.bind("runDownload", (Processor) download::download);
        registry.bind("downloadAfterReEnroll", (Processor) download::downloadAfterReEnroll);
        registry.bind("startDelivery", (Processor) delivery::start);
        registry.bind("completeDelivery", (Processor) delivery::complete);
        FailureHandler failures = new FailureHandler(retries, deadLetters, status, inFlight);
        queue.setUndecided(failures::undecided);
        // error-handling.camel.yaml's three clauses, processors too (as bean calls, a refused task would take a reflective call); the
        // beans stay bound for an operator's route files that call them (bean: ref: failures / holdBack)
        HoldBack holdBack = new HoldBack(fleetLimits.context(), status, inFlight);
        registry.bind("holdBackTask", (Processor) holdBack::holdBack);
        registry.bind("retryOrDeadLetter", (Processor) failures::retryOrDeadLetter);
        registry.bind("deadLetterTask", (Processor) failures::deadLetter);
        registry.bind("holdBack", holdBack);
        registry.bind("failures", failures);
        registry.bind("retrySchedule", retries);
        // the retry mover's step, every second on every instance: a processor, not a bean-method call (on an idle
        // worker that reflective call would be its largest cost)
        registry.bind("moveDueRetries", (Processor) exchange -> exchange.getMessage().setBody(retries.moveDue()));
    }
}

package io.enrollflow.runtime;

import io.enrollflow.config.CallbackSettings;
import io.enrollflow.config.ConfigException;
import io.enrollflow.config.QueueSettings;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.RetrySettings;
import io.enrollflow.config.RuntimeSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.redis.RedisConnection;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisStartupChecks;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.apache.camel.util.ObjectHelper;
import org.redisson.api.RedissonClient;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The runtime (sub-command {@code run}, and the demo): camel-main with
 * <ul>
 *   <li>our merged settings as its properties ({{enrollflow.*}} in routes, camel.* for camel-main itself),</li>
 *   <li>the routes from {@code --routes DIR}, else {@code ./routes}, else the copy inside the jar,</li>
 *   <li>the beans of {@link EnrollflowBeans}.</li>
 * </ul>
 * Lifecycle: {@link #start()} (returns once routes run) or {@link #runUntilStopped()} (blocks until SIGTERM or
 * {@link #stop()}); then the Redis client is closed.
 */
public class EnrollflowRuntime {

    /** Where the jar keeps its copy of the routes. */
    public static final String BUNDLED_ROUTES = "classpath:enrollflow/routes/*.yaml";

    private final Main main = new Main();
    private final RedissonClient redis;
    /** The heartbeat's own client (queue.Heartbeat says why). */
    private final RedissonClient heartbeatRedis;
    private final String instanceId;
    private final RedisConnection.Mode redisMode;

    /** Checks the settings and connects to Redis; a bad setting throws {@link ConfigException}. */
    public EnrollflowRuntime(Settings settings, Path routesDir) {
        this.instanceId = newInstanceId();
        RuntimeSettings parsed = RuntimeSettings.from(settings);
        Properties props = routeProperties(settings, parsed.redis(), parsed.queue());
        String routes = routesPattern(routesDir);
        if (!routes.startsWith("classpath:")) {
            // the operator's routes (the jar's copy is complete): a missing route stops start-up before Camel starts
            RequiredRoutes.checkFiles(routes);
        }
        props.setProperty("camel.main.routesIncludePattern", routes);
        main.setInitialProperties(props);
        // SIGTERM and Ctrl-C are handled by the run command (exit 0 after a graceful stop); Camel's own JVM hook would
        // only announce "triggered by SIGTERM" on every exit, a configuration error's included
        main.setShutdownStrategy(new SimpleMainShutdownStrategy());
        this.redisMode = RedisConnection.mode(parsed.redis());
        this.redis = RedisConnection.connect(parsed.redis(), parsed.queue().concurrency(), true);
        this.heartbeatRedis = RedisConnection.connectForHeartbeat(parsed.redis());
        try {
            main.configure().addConfiguration(new EnrollflowBeans(settings, parsed, redis, heartbeatRedis, instanceId));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The properties Camel gets: every setting, the ones the routes read as parsed (a {{placeholder}} never parses a
     * setting again), plus the values derived from them for endpoint options that take another form (milliseconds)
     * and for camel-main itself.
     */
    public static Properties routeProperties(Settings settings) {
        return routeProperties(settings, RedisSettings.from(settings), QueueSettings.from(settings));
    }

    /** {@link #routeProperties(Settings)} with the records already parsed. */
    public static Properties routeProperties(Settings settings, RedisSettings redis, QueueSettings queue) {
        Properties props = settings.asProperties();
        // the queue the pipeline consumes: the setting, or <namespace>:tasks when it is empty
        props.setProperty(RedisSettings.QUEUE_KEY, RedisKeys.from(redis).queue());
        props.setProperty(QueueSettings.CONCURRENCY, Integer.toString(queue.concurrency()));
        props.setProperty("enrollflow.queue.poll-timeout.millis", Long.toString(queue.pollTimeout().toMillis()));
        props.setProperty("enrollflow.retry.mover-period.millis",
                Long.toString(RetrySettings.from(settings).moverPeriod().toMillis()));
        CallbackSettings callbacks = CallbackSettings.from(settings);
        // camel-http's redelivery counts the retries after the first attempt; the setting counts every attempt
        props.setProperty("enrollflow.status.callback-redeliveries", Integer.toString(callbacks.attempts() - 1));
        props.setProperty("enrollflow.status.callback-timeout.millis", Long.toString(callbacks.timeout().toMillis()));
        long shutdownMillis = queue.shutdownTimeout().toMillis();
        props.setProperty("enrollflow.worker.shutdown-timeout.millis", Long.toString(shutdownMillis));
        // Camel's own bound must outlast ours: the consumer waits for in-flight tasks, then hands back the rest
        props.setProperty("camel.main.shutdownTimeout", Long.toString(shutdownMillis / 1000 + 20));
        return props;
    }

    static String routesPattern(Path routesDir) {
        if (routesDir != null) {
            if (!Files.isDirectory(routesDir)) {
                throw new ConfigException("--routes", routesDir.toAbsolutePath() + " is not a folder");
            }
            return "file:" + routesDir.toAbsolutePath() + "/*.yaml";
        }
        Path local = Path.of("routes");
        return Files.isDirectory(local) ? "file:" + local.toAbsolutePath() + "/*.yaml" : bundledRoutes();
    }

    /**
     * The jar's copy of the routes. Run from the jar, each file is named: Camel's wildcard would read the whole jar
     * (every entry inflated, tens of MB) on every start. From a classes folder (tests) the wildcard is a listing.
     */
    static String bundledRoutes() {
        String prefix = "enrollflow/routes/";
        try {
            Path source = Path.of(EnrollflowRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) {
                try (JarFile jar = new JarFile(source.toFile())) {
                    List<String> routes = jar.stream().map(JarEntry::getName)
                            .filter(name -> name.startsWith(prefix) && name.endsWith(".yaml")
                                    && name.indexOf('/', prefix.length()) < 0)
                            .sorted().map(name -> "classpath:" + name).toList();
                    if (!routes.isEmpty()) {
                        return String.join(",", routes);
                    }
                }
            }
        } catch (Exception unreadable) {
            // the wildcard finds them all the same, only slower
        }
        return BUNDLED_ROUTES;
    }

    static String newInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String instanceId() {
        return instanceId;
    }

    public RedissonClient redis() {
        return redis;
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    /** Starts the routes and returns. */
    public void start() throws Exception {
        try {
            main.start();
        } catch (Exception e) {
            close();
            throw unwrapConfig(e);
        }
    }

    /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C) or {@link #stop()} is called. */
    public void runUntilStopped() throws Exception {
        try {
            checkRedis();
            main.run();
        } catch (Exception e) {
            throw unwrapConfig(e);
        } finally {
            close();
        }
    }

    /** Asks a {@link #runUntilStopped()} to stop gracefully (what SIGTERM does); returns at once. */
    public void requestStop() {
        main.completed();
    }

    /** Stops the routes gracefully and closes Redis. */
    public void stop() {
        try {
            main.completed();
            main.stop();
        } finally {
            close();
        }
    }

    /**
     * Warns about a Redis that may evict or persists nothing (RedisStartupChecks), on a thread of its own: a Redis that
     * is down at start-up must not hold the runtime back (it starts and connects when Redis is back). Only for the
     * {@code run} command: the demo's bundled Redis persists nothing on purpose, and says so itself.
     */
    private void checkRedis() {
        Thread check = new Thread(() -> RedisStartupChecks.run(redis, redisMode), "redis-startup-checks");
        check.setDaemon(true);
        check.start();
    }

    private void close() {
        for (RedissonClient client : List.of(heartbeatRedis, redis)) {
            if (!client.isShutdown()) {
                client.shutdown();
            }
        }
    }

    /** A setting found bad while Camel started arrives wrapped: surface it as itself. */
    private static Exception unwrapConfig(Exception e) {
        ConfigException config = ObjectHelper.getException(ConfigException.class, e);
        return config != null ? config : e;
    }
}

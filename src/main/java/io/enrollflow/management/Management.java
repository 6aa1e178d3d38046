package io.enrollflow.management;

import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Settings;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.queue.InFlight;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusListener;
import io.enrollflow.status.StatusStore;
import org.apache.camel.CamelContext;
import org.redisson.api.RedissonClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Wires the operating side into a runtime: metrics (told of every transition, timing the stages), status callbacks,
 * the replay service and the intake pause, and the management HTTP server. Each is bound in the Camel registry under
 * its name ({@code metrics}, {@code replayService}, {@code intakePause}, {@code managementServer}).
 */
public final class Management {

    private Management() {
    }

    /** Checks the settings of this package (at construction of the runtime, before anything starts). */
    public static void check(Settings settings) {
        int port = settings.integer("enrollflow.management.port", 0, 65_535);
        if (port > 0) {
            settings.required("enrollflow.management.host");
        }
        checkToken(settings, "enrollflow.management.token");
        checkToken(settings, "enrollflow.management.read-token");
        StatusCallbacks.from(settings, outcome -> { });
        settings.duration("enrollflow.console.session-timeout", java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(30));
        String readToken = settings.text("enrollflow.management.read-token");
        if (!readToken.isBlank() && readToken.trim().equals(settings.text("enrollflow.management.token").trim())) {
            throw new ConfigException("enrollflow.management.read-token", "must differ from enrollflow.management.token");
        }
    }

    /** The shortest management token accepted: guessing 16 random characters over the network is hopeless. */
    static final int MIN_TOKEN_LENGTH = 16;
    /** Words of the values people leave in a template; a token holding one is refused (case ignored). */
    private static final List<String> PLACEHOLDER_WORDS = List.of("change", "replace", "placeholder", "example",
            "secret-token", "your-token", "your_token", "insert", "todo", "xxxx", "0000", "1234");

    /**
     * An empty token closes what it guards; a set one must be at least {@value #MIN_TOKEN_LENGTH} characters and not a
     * known placeholder (a manifest's {@code change-me} must not open the API to anyone who has read the manifest).
     * The message names the key, never the value.
     */
    static void checkToken(Settings settings, String key) {
        String token = settings.text(key);
        if (token.isEmpty()) {
            return;
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException(key, "is shorter than " + MIN_TOKEN_LENGTH + " characters (make one with: "
                    + "openssl rand -hex 32)");
        }
        String lower = token.toLowerCase(java.util.Locale.ROOT);
        if (PLACEHOLDER_WORDS.stream().anyMatch(lower::contains) || lower.chars().distinct().count() < 4) {
            throw new ConfigException(key, "is a placeholder, not a secret (make one with: openssl rand -hex 32)");
        }
    }

    /** Installs everything into the Camel context being configured. */
    public static void install(CamelContext camel, Settings settings, RedissonClient redis, RedisKeys keys,
                               RedisScripts scripts, StatusStore status, DeadLetterStore deadLetters, InFlight inFlight) {
        Metrics metrics = new Metrics(redis, keys, inFlight);
        inFlight.events(metrics);
        List<StatusListener> listeners = new ArrayList<>(List.of(metrics));
        // the routes' status-callbacks route refers to its beans, so they are bound even when callbacks are off
        StatusCallbacks callbacks = StatusCallbacks.from(settings, metrics::callbackFailure);
        callbacks.install(camel);
        if (callbacks.enabled()) {
            listeners.add(callbacks);
        }
        status.listener(StatusListener.all(listeners));
        camel.addRoutePolicyFactory(new StageTimer(metrics));

        ReplayService replays = new ReplayService(scripts, keys, status, deadLetters);
        IntakePause pause = new IntakePause(redis, keys);
        var registry = camel.getRegistry();
        registry.bind("metrics", metrics);
        registry.bind("replayService", replays);
        registry.bind("intakePause", pause);

        int port = settings.integer("enrollflow.management.port", 0, 65_535);
        if (port > 0) {
            ManagementServer server = new ManagementServer(settings.required("enrollflow.management.host"), port,
                    settings.text("enrollflow.management.token"), new Health(camel, redis, pause), metrics,
                    new OperatorApi(status, deadLetters, replays, pause));
            server.readToken(settings.text("enrollflow.management.read-token"));
            server.mountConsole(new io.enrollflow.console.JdkHttpConsole(new io.enrollflow.console.Console(redis, keys, status,
                    deadLetters, replays, pause, settings.text("enrollflow.management.token"),
                    settings.text("enrollflow.management.read-token"),
                    settings.duration("enrollflow.console.session-timeout", java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(30)))));
            registry.bind("managementServer", server);
            addService(camel, server);
        }
    }

    private static void addService(CamelContext camel, Object service) {
        try {
            camel.addService(service, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + service.getClass().getSimpleName(), e);
        }
    }
}

package io.enrollflow.management;

import com.sun.net.httpserver.HttpHandler;
import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.CallbackSettings;
import io.enrollflow.config.ManagementSettings;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.delivery.drive.FleetDriveSignIn;
import io.enrollflow.queue.InFlight;
import io.enrollflow.queue.IntakePause;
import io.enrollflow.limit.DiskSpace;
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

    /**
     * Makes the operators' console, mounted on the management server at {@code /}, from the replay service and the
     * intake pause it acts through, and the count of wrong tokens its sign-in shares with the API. The runtime
     * supplies it, so that the operating side never names console classes.
     */
    @FunctionalInterface
    public interface ConsoleMount {
        HttpHandler handler(ReplayService replays, IntakePause pause, WrongTokens wrongTokens);
    }

    private Management() {
    }

    /** Installs everything into the Camel context being configured. */
    public static void install(CamelContext camel, ManagementSettings settings, CallbackSettings callbacks,
                               RedissonClient redis, RedisKeys keys, RedisScripts scripts, StatusStore status,
                               DeadLetterStore deadLetters, InFlight inFlight, DiskSpace disk, ConsoleMount console) {
        Metrics metrics = new Metrics(redis, keys, inFlight);
        inFlight.events(metrics);
        List<StatusListener> listeners = new ArrayList<>(List.of(metrics));
        // the routes' status-callbacks route refers to its beans, so they are bound even when callbacks are off
        StatusCallbacks statusCallbacks = StatusCallbacks.from(callbacks, metrics::callbackFailure);
        statusCallbacks.install(camel);
        if (statusCallbacks.enabled()) {
            listeners.add(statusCallbacks);
        }
        status.listener(StatusListener.all(listeners));
        camel.addRoutePolicyFactory(new StageTimer(metrics));

        ReplayService replays = new ReplayService(scripts, keys, status, deadLetters);
        IntakePause pause = new IntakePause(redis, keys);
        var registry = camel.getRegistry();
        registry.bind("metrics", metrics);
        registry.bind("replayService", replays);
        registry.bind("intakePause", pause);

        if (settings.enabled()) {
            WrongTokens wrongTokens = new WrongTokens(settings.wrongTokensPerMinute());
            ManagementServer server = new ManagementServer(settings.host(), settings.port(),
                    settings.token(), new Health(camel, redis, pause, new FleetDriveSignIn(redis, keys), disk), metrics,
                    new OperatorApi(status, deadLetters, replays, pause), wrongTokens);
            server.readToken(settings.readToken());
            server.mountConsole(console.handler(replays, pause, wrongTokens));
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

package io.enrollflow.runtime;

import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The status-callbacks route alone, for an operator's sub-command ({@code dlq replay} posts its {@code queued}): a
 * small Camel context with that route and its error handling, read from the same files the runtime reads. Closing it
 * sends what is still queued for up to {@link #DRAIN_SECONDS}, then drops the rest (the status hashes hold it).
 */
public final class CallbackContext implements AutoCloseable {

    /** How long closing waits for queued callbacks to go out. */
    static final int DRAIN_SECONDS = 5;
    private static final String[] FILES = {"error-handling.camel.yaml", "status-callbacks.camel.yaml"};

    private final CamelContext camel;

    private CallbackContext(CamelContext camel) {
        this.camel = camel;
    }

    /** Starts the route with {@code callbacks} bound into it. */
    public static CallbackContext start(Settings settings, StatusCallbacks callbacks) {
        DefaultCamelContext camel = new DefaultCamelContext();
        try {
            camel.setStartupSummaryLevel(StartupSummaryLevel.Off);
            camel.getPropertiesComponent().setInitialProperties(EnrollflowRuntime.routeProperties(settings));
            camel.getShutdownStrategy().setTimeout(DRAIN_SECONDS);
            camel.getShutdownStrategy().setLogInflightExchangesOnTimeout(false);
            callbacks.install(camel);
            boolean local = Files.isDirectory(Path.of("routes"));
            for (String file : FILES) {
                String location = local ? "file:" + Path.of("routes", file).toAbsolutePath() : "classpath:enrollflow/routes/" + file;
                PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel, location));
            }
            camel.start();
            return new CallbackContext(camel);
        } catch (Exception e) {
            // the sub-command stops: nothing of the route may outlive it
            camel.stop();
            throw new IllegalStateException("cannot start the status callbacks: " + e.getMessage(), e);
        }
    }

    /** The context, for tests that stop the route's consumer. */
    CamelContext camel() {
        return camel;
    }

    @Override
    public void close() {
        camel.stop();
    }
}

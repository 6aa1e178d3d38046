package io.enrollflow.runtime;

import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.CallbackSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.TaskStatus;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/status-callbacks.camel.yaml as the runtime reads it: the queue a transition enters is bounded, and a full one
 * drops the callback (counted) and returns at once, so a task is never held by its callbacks. The route's consumer is
 * suspended (a receiver that takes for ever), so nothing is sent anywhere.
 */
class StatusCallbacksRouteTest {

    @Test
    void aFullQueueDropsTheCallbackAndCountsItInsteadOfWaiting() throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        Settings settings = Settings.load(null, Map.of()).with(Map.of(
                "enrollflow.status.callback-url", "http://127.0.0.1:9/hooks/${taskId}?token=never-logged"));
        StatusCallbacks callbacks = StatusCallbacks.from(CallbackSettings.from(settings), failures::add);
        try (CallbackContext route = CallbackContext.start(settings, callbacks)) {
            route.camel().getRouteController().suspendRoute(StatusCallbacks.ROUTE_ID);
            Route callbacksRoute = route.camel().getRoute(StatusCallbacks.ROUTE_ID);
            int capacity = ((SedaEndpoint) callbacksRoute.getEndpoint()).getSize();

            // one more than the bound, and one for the callback the consumer may have taken before it was suspended
            for (int i = 0; i < capacity + 2; i++) {
                callbacks.changed(new StatusChange("T-" + i, TaskStatus.PROCESSING, null, "", null, "2026-12-01T00:00:00Z"));
            }

            assertEquals(10_000, capacity, "the queue's bound (routes/status-callbacks.camel.yaml)");
            assertEquals(capacity, ((SedaEndpoint) callbacksRoute.getEndpoint()).getCurrentQueueSize());
            // a queue that waited for room (blockWhenFull) would hold this thread, the task's, here for ever
            assertTrue(failures.stream().filter("dropped"::equals).count() >= 1, "the one over the bound: " + failures);
        }
    }
}

package io.enrollflow.management;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

import java.util.Set;

/**
 * Measures the stages by their route ids ({@code enroll}, {@code download}, {@code deliver}, the stage label of
 * {@code enrollflow_stage_duration_seconds}): a route policy on each of those routes starts a stopwatch when the route
 * takes the exchange and records it, failed or not, when the route is done with it. Keyed on the route ids, so the
 * endpoints the routes consume may be renamed freely; the step classes stay free of timing code. The cost on the hot
 * path is one exchange property and one timer record per stage.
 */
public class StageTimer implements RoutePolicyFactory {

    /** The stage routes' ids, each the stage it measures. */
    static final Set<String> STAGES = Set.of("enroll", "download", "deliver");

    private final Metrics metrics;

    public StageTimer(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
        return STAGES.contains(routeId) ? new Stopwatch(routeId) : null;
    }

    /** Times one stage route; the start is kept on the exchange, which is the task's own while it is in the route. */
    private final class Stopwatch extends RoutePolicySupport {
        private final String stage;
        private final String startedKey;

        Stopwatch(String stage) {
            this.stage = stage;
            this.startedKey = "enrollflowStageStarted." + stage;
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            exchange.setProperty(startedKey, System.nanoTime());
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            Long started = exchange.getProperty(startedKey, Long.class);
            if (started != null) {
                exchange.removeProperty(startedKey);
                metrics.stage(stage, System.nanoTime() - started, exchange.getException() != null);
            }
        }
    }
}

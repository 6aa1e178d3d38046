package io.enrollflow.runtime;

import io.enrollflow.callback.StatusCallbacks;
import io.enrollflow.config.ConfigException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The routes enrollflow cannot run without, checked before Camel starts (operators may run their own routes with
 * {@code --routes DIR}): the {@code pipeline} route (it takes the tasks), the
 * {@code retry-mover} route (without it no retry ever comes due), the {@code status-callbacks} route (the status
 * listener hands every transition to its queue, by route id), and a route for every {@code direct:} endpoint the
 * pipeline sends to, and those routes in turn. A missing one stops start-up with one line naming it (exit 2). What no
 * start-up check can see — a pipeline that skips a step — is caught per run: a claimed run that ends without a
 * decision is an {@code internal_error} (the queue consumer).
 */
final class RequiredRoutes {

    /** The route that takes tasks from the queue. */
    static final String PIPELINE = "pipeline";
    /** The route that puts due retries back on the queue. */
    static final String RETRY_MOVER = "retry-mover";
    /** The route that posts the status callbacks. */
    static final String CALLBACKS = StatusCallbacks.ROUTE_ID;
    /** Why each route is needed, as the refusal says it. */
    private static final Map<String, String> WHY = Map.of(
            PIPELINE, "the task pipeline: take, enroll, download, deliver",
            RETRY_MOVER, "it puts due retries back on the queue",
            CALLBACKS, "it posts the status callbacks");
    private static final String KEY = "--routes";

    /**
     * Reads the route files of a camel-main include pattern (comma-separated {@code file:} or {@code classpath:}
     * locations, wildcards allowed) into a scratch context that is never started, and checks them. Done before the
     * runtime starts, so that a missing route is one line on stderr and nothing else (Camel logs its own start).
     *
     * @throws ConfigException naming the first route enrollflow needs and does not have
     */
    static void checkFiles(String includePattern) {
        List<RouteDefinition> routes;
        try {
            // never started, so never stopped either (stopping it would log Camel's shutdown lines)
            DefaultCamelContext scratch = new DefaultCamelContext(false);
            scratch.build();
            List<Resource> resources = new ArrayList<>();
            for (String location : includePattern.split(",")) {
                resources.addAll(PluginHelper.getPackageScanResourceResolver(scratch).findResources(location.trim()));
            }
            PluginHelper.getRoutesLoader(scratch).loadRoutes(resources);
            routes = new ArrayList<>(scratch.getRouteDefinitions());
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            // unreadable YAML: camel-main reports it with the file's name when it loads the routes itself
            return;
        }
        check(routes);
    }

    /** @throws ConfigException naming the first route enrollflow needs and does not have */
    static void check(List<RouteDefinition> routes) {
        Map<String, RouteDefinition> byId = routes.stream().filter(r -> r.getRouteId() != null)
                .collect(Collectors.toMap(RouteDefinition::getRouteId, Function.identity(), (a, b) -> a));
        for (String id : List.of(PIPELINE, RETRY_MOVER, CALLBACKS)) {
            if (!byId.containsKey(id)) {
                throw new ConfigException(KEY, "no route with id \"" + id + "\" in the routes folder; enrollflow needs it ("
                        + WHY.get(id) + "; see the project's routes/)");
            }
        }
        Deque<RouteDefinition> todo = new ArrayDeque<>(List.of(byId.get(PIPELINE)));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            RouteDefinition route = todo.pop();
            if (!seen.add(route.getRouteId() == null ? route.toString() : route.getRouteId())) {
                continue;
            }
            for (String uri : directSends(route)) {
                Optional<RouteDefinition> target = routes.stream().filter(r -> sameDirect(consumed(r), uri)).findFirst();
                if (target.isEmpty()) {
                    throw new ConfigException(KEY, "route \"" + route.getRouteId() + "\" sends to " + uri
                            + " but no route in the routes folder consumes it (from: " + uri + ")");
                }
                todo.push(target.get());
            }
        }
    }

    private static String consumed(RouteDefinition route) {
        return route.getInput() == null ? "" : route.getInput().getEndpointUri();
    }

    /** {@code direct:x}, {@code direct://x} and {@code direct:x?options} name the same endpoint. */
    private static boolean sameDirect(String a, String b) {
        return directName(a) != null && directName(a).equals(directName(b));
    }

    private static String directName(String uri) {
        if (uri == null || !uri.startsWith("direct:")) {
            return null;
        }
        String name = uri.substring("direct:".length());
        if (name.startsWith("//")) {
            name = name.substring(2);
        }
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    /** Every {@code direct:} endpoint a route sends to, in any branch. */
    private static Set<String> directSends(RouteDefinition route) {
        Set<String> out = new LinkedHashSet<>();
        collect(route.getOutputs(), out);
        return out;
    }

    private static void collect(List<ProcessorDefinition<?>> steps, Set<String> out) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof SendDefinition<?> send && directName(send.getEndpointUri()) != null) {
                out.add(send.getEndpointUri());
            }
            List<ProcessorDefinition<?>> children = new ArrayList<>(step.getOutputs());
            if (step instanceof ChoiceDefinition choice) {
                for (WhenDefinition when : choice.getWhenClauses()) {
                    children.addAll(when.getOutputs());
                }
                if (choice.getOtherwise() != null) {
                    children.addAll(choice.getOtherwise().getOutputs());
                }
            }
            collect(children, out);
        }
    }
}

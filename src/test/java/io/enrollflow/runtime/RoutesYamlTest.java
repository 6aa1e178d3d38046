package io.enrollflow.runtime;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.QueueSettings;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.catalog.impl.AbstractCamelCatalog;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validates the project's {@code routes/*.yaml} the way Camel reads them (the YAML DSL's own deserializers reject an
 * unknown step or option), checks every endpoint's options against the component catalogs, and holds the house rules
 * (STYLE.md): one route per file, its id the file's name.
 */
class RoutesYamlTest {

    private static final Path ROUTES = Path.of("routes");

    private CamelContext camel;

    @BeforeEach
    void newContext() {
        camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setInitialProperties(routeProperties());
    }

    @AfterEach
    void closeContext() throws Exception {
        camel.close();
    }

    @Test
    void everyRouteFileLoads() throws Exception {
        List<Path> files = routeFiles();
        assertFalse(files.isEmpty());

        for (Path file : files) {
            load(file);
        }

        assertTrue(routes().size() >= 5, "routes: " + routes().stream().map(RouteDefinition::getRouteId).toList());
    }

    @Test
    void eachRouteIsInTheFileNamedAfterIt() throws Exception {
        for (Path file : routeFiles()) {
            String name = file.getFileName().toString().replace(".camel.yaml", "");
            int before = routes().size();
            load(file);
            List<RouteDefinition> added = routes().subList(before, routes().size());
            for (RouteDefinition route : added) {
                assertEquals(name, route.getRouteId(), file + " holds route " + route.getRouteId());
            }
        }
    }

    @Test
    void everyEndpointOptionIsKnownToItsComponent() throws Exception {
        for (Path file : routeFiles()) {
            load(file);
        }
        AbstractCamelCatalog catalog = catalog();
        List<String> checked = new ArrayList<>();
        for (String uri : endpointUris()) {
            String resolved = camel.resolvePropertyPlaceholders(uri);
            String scheme = resolved.substring(0, resolved.indexOf(':'));
            if (catalog.componentJSonSchema(scheme) == null) {
                continue; // our own redis-queue: its options are checked when the runtime starts (the ITs)
            }
            // strict: a component that passes unknown options on (as http does, as query parameters) would let a
            // misspelt option go unnoticed
            EndpointValidationResult result = catalog.validateEndpointProperties(resolved, true);
            assertTrue(result.isSuccess(), resolved + ": " + result.summaryErrorMessage(false));
            checked.add(scheme);
        }
        assertTrue(checked.contains("direct") && checked.contains("timer"), checked.toString());
    }

    @Test
    void unknownStepIsRejected(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.camel.yaml"), """
                - route:
                    id: bad
                    from:
                      uri: direct:bad
                      steps:
                        - teleport:
                            to: mars
                """);

        assertThrows(Exception.class, () -> load(bad));
    }

    @Test
    void unknownOptionOfAStepIsRejected(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.camel.yaml"), """
                - route:
                    id: bad
                    from:
                      uri: direct:bad
                      steps:
                        - bean:
                            ref: delivery
                            methd: deliver
                """);

        assertThrows(Exception.class, () -> load(bad));
    }

    @Test
    void unknownEndpointOptionIsCaughtByTheCatalog() {
        EndpointValidationResult result = catalog().validateEndpointProperties(
                "timer:retry-mover?peroid=1000", true);

        assertFalse(result.isSuccess());
    }

    /** The settings as the routes see them, derived values included (the runtime's own computation). */
    private static Properties routeProperties() {
        Settings settings = Settings.load(null, Map.of());
        return EnrollflowRuntime.routeProperties(settings, RedisSettings.from(settings), QueueSettings.from(settings));
    }

    /** The runtime catalog (component option schemas from the jars on the classpath). */
    private AbstractCamelCatalog catalog() {
        return (AbstractCamelCatalog) PluginHelper.getRuntimeCamelCatalog(camel);
    }

    private void load(Path file) throws Exception {
        Resource resource = ResourceHelper.resolveMandatoryResource(camel, "file:" + file.toAbsolutePath());
        PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
    }

    private List<RouteDefinition> routes() {
        return ((ModelCamelContext) camel).getRouteDefinitions();
    }

    private List<String> endpointUris() {
        List<String> uris = new ArrayList<>();
        for (RouteDefinition route : routes()) {
            FromDefinition from = route.getInput();
            uris.add(from.getEndpointUri());
            collect(route.getOutputs(), uris);
        }
        return uris;
    }

    @Test
    void theProjectsRoutesHaveEveryRouteEnrollflowNeeds() {
        RequiredRoutes.checkFiles("file:" + ROUTES.toAbsolutePath() + "/*.yaml");
    }

    @Test
    void routesWithoutTheRetryMoverAreRefusedNamingIt(@TempDir Path dir) throws Exception {
        for (Path file : routeFiles()) {
            if (!file.getFileName().toString().equals("retry-mover.camel.yaml")) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }

        ConfigException refused = assertThrows(ConfigException.class,
                () -> RequiredRoutes.checkFiles("file:" + dir + "/*.yaml"));

        assertTrue(refused.getMessage().contains("\"retry-mover\""), refused.getMessage());
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, List<String> uris) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof SendDefinition<?> send) {
                uris.add(send.getEndpointUri());
            }
            collect(output.getOutputs(), uris);
        }
    }

    private static List<Path> routeFiles() throws Exception {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}

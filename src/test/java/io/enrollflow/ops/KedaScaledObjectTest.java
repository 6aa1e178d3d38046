package io.enrollflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.redis.RedisKeys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/keda-scaledobject.yaml against the manifest and the settings it depends on: it scales the Deployment of
 * kubernetes.yaml, on the queue list the runtime consumes, never to zero, with a scale-in the HPA accepts; and the
 * manifest gives a stopping pod time to hand its tasks back. (KEDA and Kubernetes cannot run here; these are the
 * checkable parts.)
 */
class KedaScaledObjectTest {

    private static final Path DEPLOY = Path.of("deploy");
    /** Camel's shutdown bound is the shutdown timeout plus this (EnrollflowRuntime sets camel.main.shutdownTimeout). */
    private static final Duration CAMEL_SHUTDOWN_SLACK = Duration.ofSeconds(20);
    /** What a pod needs beyond Camel's bound to exit (JVM exit, log flush) before Kubernetes may kill it. */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(10);

    private static List<JsonNode> documents(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(DEPLOY.resolve(file).toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isMissingNode() && !doc.isNull()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    private static JsonNode trigger(JsonNode scaledObject, String type) {
        for (JsonNode trigger : scaledObject.path("spec").path("triggers")) {
            if (type.equals(trigger.path("type").asText())) {
                return trigger;
            }
        }
        throw new AssertionError("no " + type + " trigger");
    }

    /** The settings as the Deployment's environment makes them (its ENROLLFLOW_* values over the defaults). */
    private static Settings deploymentSettings(JsonNode deployment) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode var : deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            env.put(var.path("name").asText(), var.path("value").asText());
        }
        return Settings.load(null, env);
    }

    @Test
    void theScaledObjectScalesTheDeploymentOfTheManifestOnTheQueueListTheRuntimeConsumes() throws IOException {
        JsonNode deployment = only(documents("kubernetes.yaml"), "Deployment");
        List<JsonNode> keda = documents("keda-scaledobject.yaml");
        JsonNode scaled = only(keda, "ScaledObject");
        assertEquals("keda.sh/v1alpha1", scaled.path("apiVersion").asText());

        JsonNode target = scaled.path("spec").path("scaleTargetRef");
        assertEquals(deployment.path("metadata").path("name").asText(), target.path("name").asText());
        assertEquals("Deployment", target.path("kind").asText("Deployment"));

        Settings settings = deploymentSettings(deployment);
        // the list the runtime consumes: enrollflow.queue.key, or <enrollflow.redis.namespace>:tasks when it is empty
        String queue = RedisKeys.from(RedisSettings.from(settings)).queue();
        JsonNode redis = trigger(scaled, "redis");
        assertEquals(queue, redis.path("metadata").path("listName").asText());
        assertEquals("enrollflow:tasks", queue, "the documented default");
        // one more instance per concurrency's worth of waiting tasks: as many slots as take them at once
        String concurrency = settings.text("enrollflow.worker.concurrency");
        assertEquals(concurrency, redis.path("metadata").path("listLength").asText());
        assertEquals(concurrency, trigger(scaled, "prometheus").path("metadata").path("threshold").asText());

        String auth = redis.path("authenticationRef").path("name").asText();
        JsonNode authentication = only(keda, "TriggerAuthentication");
        assertEquals(auth, authentication.path("metadata").path("name").asText(), "the trigger's authentication is in the file");
    }

    @Test
    void theFleetNeverScalesToZeroAndScalesInSlowlyWithinWhatTheHpaAccepts() throws IOException {
        JsonNode spec = only(documents("keda-scaledobject.yaml"), "ScaledObject").path("spec");
        int min = spec.path("minReplicaCount").asInt(0);
        int max = spec.path("maxReplicaCount").asInt(0);
        assertTrue(min >= 1, "a running instance moves due retries and recovers dead instances' tasks: " + min);
        assertTrue(max > min, "max " + max + " above min " + min);
        assertTrue(spec.path("cooldownPeriod").isInt(), "cooldownPeriod set");

        JsonNode scaleDown = spec.path("advanced").path("horizontalPodAutoscalerConfig").path("behavior").path("scaleDown");
        int window = scaleDown.path("stabilizationWindowSeconds").asInt(-1);
        // the HPA refuses a window above an hour, and KEDA then creates no HPA at all
        assertTrue(window >= 300 && window <= 3600, "scale-in window " + window);
        JsonNode policy = scaleDown.path("policies").get(0);
        assertNotNull(policy, "a scale-in policy");
        assertEquals("Pods", policy.path("type").asText());
        assertEquals(1, policy.path("value").asInt(), "one instance at a time");
    }

    @Test
    void aStoppingPodHasTimeToFinishItsTasksAndHandTheRestBackBeforeKubernetesKillsIt() throws IOException {
        JsonNode deployment = only(documents("kubernetes.yaml"), "Deployment");
        Duration shutdown = deploymentSettings(deployment).duration("enrollflow.worker.shutdown-timeout");
        long grace = deployment.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong(30);
        long needed = shutdown.plus(CAMEL_SHUTDOWN_SLACK).plus(EXIT_MARGIN).toSeconds();
        assertTrue(grace >= needed, "terminationGracePeriodSeconds " + grace + " < " + needed
                + " (shutdown-timeout " + shutdown.toSeconds() + "s + Camel's 20s + 10s to exit)");
    }
}

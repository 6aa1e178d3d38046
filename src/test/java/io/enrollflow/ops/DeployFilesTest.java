package io.enrollflow.ops;

import io.enrollflow.config.Settings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files agree with the settings they depend on: stop timeouts above the graceful shutdown, probes on
 * the management endpoints, a non-root user. (Docker and Kubernetes cannot run here; these are their checkable lines.)
 */
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("deploy");

    private static long shutdownSeconds() {
        return Settings.load(null, Map.of()).duration("enrollflow.worker.shutdown-timeout").toSeconds();
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return Long.parseLong(m.group(1));
    }

    @Test
    void kubernetesProbesTheManagementEndpointsAndWaitsLongerThanTheShutdown() throws IOException {
        String yaml = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
        assertTrue(yaml.contains("path: /observe/health/live") && yaml.contains("path: /observe/health/ready"));
        assertTrue(yaml.contains("containerPort: 8081"));
        assertTrue(yaml.contains("replicas: 2"));
        assertTrue(yaml.contains("runAsNonRoot: true"));
        assertTrue(yaml.contains("secretRef:"), "tokens come from a Secret");
        assertTrue(number(yaml, "terminationGracePeriodSeconds: (\\d+)") > shutdownSeconds());
    }

    @Test
    void systemdRestartsOnFailureAndWaitsLongerThanTheShutdown() throws IOException {
        String unit = Files.readString(DEPLOY.resolve("enrollflow.service"));
        assertTrue(unit.contains("Restart=on-failure") && unit.contains("KillSignal=SIGTERM")
                && unit.contains("EnvironmentFile="));
        assertTrue(number(unit, "TimeoutStopSec=(\\d+)") > shutdownSeconds());
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsTheJarAsANonRootUser() throws IOException {
        String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertTrue(docker.contains("FROM maven:3-eclipse-temurin-17 AS build"));
        assertTrue(docker.contains("FROM eclipse-temurin:17-jre"));
        assertTrue(docker.contains("USER 10001"));
        assertTrue(docker.contains("\"-jar\", \"/app/enrollflow.jar\"") && docker.contains("CMD [\"run\"]"));
    }
}

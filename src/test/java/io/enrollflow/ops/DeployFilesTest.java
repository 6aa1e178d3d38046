package io.enrollflow.ops;

import io.enrollflow.config.Settings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void theManifestAndTheUnitSetTheCourseHostsSoNoTaskPointsTheToolElsewhere() throws IOException {
        String yaml = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
        String unit = Files.readString(DEPLOY.resolve("enrollflow.service"));
        assertTrue(yaml.contains("- name: ENROLLFLOW_TASK_ALLOWED_HOSTS\n              value: \"courses.example.com\""), yaml);
        assertTrue(unit.contains("\nEnvironment=ENROLLFLOW_TASK_ALLOWED_HOSTS=courses.example.com\n"), unit);
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsTheJarAsANonRootUser() throws IOException {
        String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertTrue(docker.contains("FROM maven:3-eclipse-temurin-17 AS build"));
        assertTrue(docker.contains("FROM eclipse-temurin:17-jre"));
        assertTrue(docker.contains("USER 10001"));
        assertTrue(docker.contains("exec /app/bin/enrollflow \\\"$@\\\"") && docker.contains("CMD [\"run\"]"));
        assertTrue(docker.contains("COPY --from=build /src/target/enrollflow.jar /app/enrollflow.jar")
                && docker.contains("COPY bin/enrollflow /app/bin/enrollflow"), "the launcher finds the jar in its parent folder");
        assertTrue(docker.contains("umask 027"), "what it creates is not world-readable");
    }

    @Test
    void everyDocumentedWayStartsTheLauncherWhoseDefaultsJavaOptsOverrides() throws IOException {
        String launcher = Files.readString(Path.of("bin/enrollflow"));
        assertTrue(launcher.startsWith("#!/bin/sh\n"), "POSIX sh");
        assertTrue(launcher.contains("exec \"$java\" $ENROLLFLOW_JVM_DEFAULTS ${JAVA_OPTS:-} -jar \"$jar\" \"$@\""),
                "JAVA_OPTS after the defaults, every argument passed on");
        assertTrue(Files.isExecutable(Path.of("bin/enrollflow")));
        String unit = Files.readString(DEPLOY.resolve("enrollflow.service"));
        assertTrue(unit.contains("ExecStart=/opt/enrollflow/bin/enrollflow run")
                && unit.contains("install -m 755 -D bin/enrollflow /opt/enrollflow/bin/enrollflow"));
        // the manifest runs the image, whose entry point is the launcher; JAVA_OPTS is where an operator changes it
        String yaml = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
        assertTrue(yaml.contains("- name: JAVA_OPTS"));
        for (String file : new String[] {"Dockerfile", "enrollflow.service", "kubernetes.yaml"}) {
            assertFalse(Files.readString(DEPLOY.resolve(file)).contains("MaxRAMPercentage"),
                    file + " sets its own heap instead of the launcher's");
        }
    }

    @Test
    void kubernetesRunsAHardenedContainerWithBoundedVolumesAndNoServiceAccountToken() throws IOException {
        String yaml = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
        for (String line : new String[] {"automountServiceAccountToken: false", "readOnlyRootFilesystem: true",
                "allowPrivilegeEscalation: false", "drop: [\"ALL\"]", "type: RuntimeDefault", "mountPath: /tmp",
                "kind: NetworkPolicy", "port: 8081"}) {
            assertTrue(yaml.contains(line), "kubernetes.yaml lacks " + line);
        }
        assertTrue(Pattern.compile("name: work\\s+emptyDir:\\s+sizeLimit: \\d+Gi").matcher(yaml).find(), "the work volume is bounded");
    }

    @Test
    void kubernetesCarriesNoSecretValueTheOperatorMustCreateThem() throws IOException {
        String yaml = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
        assertFalse(yaml.contains("kind: Secret"), "a Secret in the manifest ships working placeholder values");
        assertFalse(yaml.toLowerCase().contains("change-me"), "a placeholder value is in the manifest");
        assertTrue(yaml.contains("kubectl create secret generic enrollflow-secrets"), "it says how to create them");
        assertTrue(yaml.contains("name: enrollflow-secrets") && yaml.contains("secretName: enrollflow-drive-key"));
    }

    @Test
    void systemdSandboxesTheServiceAndLetsItWriteOnlyItsFolders() throws IOException {
        String unit = Files.readString(DEPLOY.resolve("enrollflow.service"));
        for (String line : new String[] {"ProtectSystem=strict", "NoNewPrivileges=true", "PrivateTmp=true", "UMask=0027",
                "CapabilityBoundingSet=\n", "ProtectHome=true"}) {
            assertTrue(unit.contains(line), "enrollflow.service lacks " + line.strip());
        }
        assertTrue(number(unit, "MemoryMax=(\\d+)G") >= 1);
        Matcher writable = Pattern.compile("ReadWritePaths=(.+)").matcher(unit);
        assertTrue(writable.find());
        String workingDir = unit.lines().filter(l -> l.startsWith("WorkingDirectory=")).findFirst().orElseThrow()
                .substring("WorkingDirectory=".length());
        // the defaults ./work and ./delivered are relative to the working directory: both must be writable
        assertTrue(writable.group(1).contains(workingDir + "/work") && writable.group(1).contains(workingDir + "/delivered"),
                writable.group(1));
    }
}

package io.enrollflow.ops;

import io.enrollflow.testing.EnrollflowJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/enrollflow, the documented way to start enrollflow (README "Quick start"), run by {@code sh} (POSIX, no bash):
 * it finds the jar, starts it with the worker's JVM defaults, lets JAVA_OPTS override them, and passes every argument
 * on unchanged.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin/enrollflow").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Run(int exitCode, String output) {
    }

    private Run launch(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ENROLLFLOW_") || name.equals("JAVA_OPTS"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(EnrollflowJar.COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS), output);
        return new Run(process.exitValue(), output);
    }

    @Test
    void theWorkerDefaultsApplyAndJavaOptsComesAfterThemAndWins() throws Exception {
        Run run = launch(LAUNCHER, Map.of("ENROLLFLOW_JAR", EnrollflowJar.jar().toAbsolutePath().toString(),
                "JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx96m"), "--version");

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("-XX:+UseSerialGC") && run.output().contains("-XX:TieredStopAtLevel=1"),
                "the defaults: " + run.output());
        assertTrue(run.output().contains("-XX:MaxHeapSize=100663296"), "JAVA_OPTS' -Xmx96m wins over -Xmx256m: " + run.output());
    }

    @Test
    void aSystemdCredentialNamedAfterASettingReachesEnrollflowAndWinsOverTheEnvironment() throws Exception {
        Path credentials = Files.createDirectories(tmp.resolve("credentials"));
        // a guessable token, so that start-up stops at once and says which setting it read
        Files.writeString(credentials.resolve("ENROLLFLOW_MANAGEMENT_TOKEN"), "abcdabcdabcdabcd\n");

        Run run = launch(LAUNCHER, Map.of("ENROLLFLOW_JAR", EnrollflowJar.jar().toAbsolutePath().toString(),
                "CREDENTIALS_DIRECTORY", credentials.toString(),
                "ENROLLFLOW_MANAGEMENT_TOKEN", "9b2f6c1e8a4d7035e1c9b8a2f4d6e0c3",
                "ENROLLFLOW_DOWNLOAD_COMMAND", "true", "ENROLLFLOW_DELIVERY_TARGET", "folder"), "run");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("enrollflow.management.token"), run.output());
        assertTrue(run.output().contains("too easy to guess"), "the credential's value, not the environment's: " + run.output());
    }

    @Test
    void anInstallWithTheJarBesideItsBinFolderNeedsNoSetting() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app/bin"));
        Path launcher = Files.copy(LAUNCHER, app.resolve("enrollflow"));
        Files.copy(EnrollflowJar.jar(), tmp.resolve("app/enrollflow.jar"));

        Run run = launch(launcher, Map.of(), "--version");

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().toLowerCase().contains("enrollflow"), run.output());
    }

    @Test
    void everyArgumentReachesEnrollflowAsOneWordEvenWithSpaces() throws Exception {
        Run run = launch(LAUNCHER, Map.of("ENROLLFLOW_JAR", EnrollflowJar.jar().toAbsolutePath().toString()),
                "no such command");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("'no such command'"), run.output());
    }

    @Test
    void withoutAJarItSaysWhereItLookedAndExitsTwo() throws Exception {
        Path launcher = Files.copy(LAUNCHER, Files.createDirectories(tmp.resolve("empty")).resolve("enrollflow"));

        Run run = launch(launcher, Map.of(), "run");

        assertEquals(2, run.exitCode(), run.output());
        assertEquals(1, run.output().lines().count(), run.output());
        assertTrue(run.output().contains("ENROLLFLOW_JAR"), run.output());
    }
}

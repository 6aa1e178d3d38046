package io.enrollflow.ops;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker, {@code promtool}, from Debian's {@code prometheus} package ({@code .ci/run} installs it
 * when it is missing), run as an operator would on the files of {@code deploy/observability}.
 */
final class Promtool {

    /** What one run printed (stdout and stderr together) and how it ended. */
    record Result(int exitCode, String output) {

        @Override
        public String toString() {
            return "promtool exit " + exitCode + ":\n" + output;
        }
    }

    private static final long TIMEOUT_SECONDS = 60;

    private Promtool() {
    }

    /** promtool on the PATH, else Debian's /usr/bin/promtool; a missing one fails the test, saying how to get it. */
    static Path binary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "promtool"));
            }
        }
        candidates.add(Path.of("/usr/bin/promtool"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "promtool not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does"));
    }

    /** Runs {@code promtool <args>} in the project's folder and waits for it. */
    static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("promtool", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " ran over " + TIMEOUT_SECONDS + "s");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

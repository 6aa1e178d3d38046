package io.enrollflow.ops;

import io.enrollflow.cli.EnrollflowCommand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs enrollflow's command line in the test's JVM, as an operator would type it, with {@code --config} naming a
 * settings file of the test's (so the project's ./application.properties and its Redis address are not used), and
 * captures what it prints.
 */
public final class Cli {

    /** What one command did. */
    public record Result(int exitCode, String out, String err) {

        /** The non-empty lines of stdout. */
        public List<String> lines() {
            return out.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    private final Path config;

    /** A command line whose settings file holds these settings. */
    public Cli(Path dir, Map<String, String> settings) {
        Properties props = new Properties();
        props.putAll(settings);
        this.config = dir.resolve("cli-" + System.nanoTime() + ".properties");
        try (var writer = Files.newBufferedWriter(config)) {
            props.store(writer, "enrollflow CLI test settings");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code enrollflow --config <file> <args...>}. Not thread-safe: it swaps System.out and System.err. */
    public synchronized Result run(String... args) {
        // the sub-command first (EnrollflowCommand picks quiet logging by it), then the inherited --config
        List<String> ordered = new ArrayList<>(List.of(args[0], "--config", config.toString()));
        ordered.addAll(List.of(args).subList(1, args.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = EnrollflowCommand.execute(ordered.toArray(String[]::new));
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        originalErr.println("$ enrollflow " + String.join(" ", args) + "  -> exit " + code + "\n" + result.out() + result.err());
        return result;
    }
}

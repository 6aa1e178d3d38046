package io.enrollflow.cli;

import io.enrollflow.testing.EnrollflowJar.Result;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * enrollflow's command line run in the test's JVM through picocli, as {@code main} builds it, with an environment of
 * the test's (instead of the process's) and stdout and stderr captured: the exit code and output of a JVM start
 * without the start. Logging is the test JVM's (a command run this way sets up none), so what it checks is what the
 * command prints, not its log lines; each command keeps a smoke test through {@code EnrollflowJar} for the jar's
 * wiring. Settings come from the jar's copy, then {@code --config} or the project's ./application.properties (the same
 * defaults), then the given environment.
 */
final class InProcessCli {

    private final Map<String, String> env = new HashMap<>();

    /** Adds an environment variable the command sees. */
    InProcessCli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs {@code enrollflow <args>} to its end. */
    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EnrollflowCommand.execute(Map.copyOf(env), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}

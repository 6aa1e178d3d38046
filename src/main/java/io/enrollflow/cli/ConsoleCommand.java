package io.enrollflow.cli;

import io.enrollflow.console.ConsoleSessions;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code console end-sessions}: signs every operator out of the console, on every instance on this Redis at once
 * (sessions live in Redis; their generation is raised, and each instance checks it on every request). For a token that
 * may have leaked: rotate it too, since whoever holds it can sign in again.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Manage the operators' console of every instance on this Redis.")
public class ConsoleCommand extends CommandGroup {

    @Override
    String subcommands() {
        return "end-sessions";
    }

    @Command(name = "end-sessions", mixinStandardHelpOptions = true,
            description = "Sign every console session out, on every instance; everyone signs in again.")
    int endSessions() {
        try (Stores stores = new Stores(parent.settings())) {
            long generation = ConsoleSessions.endAll(stores.redis, stores.keys);
            PrintWriter out = spec.commandLine().getOut();
            out.println("every console session is ended (generation " + generation + "); sign in again with a token");
            out.flush();
            return EnrollflowCommand.OK;
        }
    }
}

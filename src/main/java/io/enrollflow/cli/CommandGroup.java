package io.enrollflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that only groups sub-commands ({@code dlq}, {@code intake}): given alone it is a usage error naming them
 * (exit 2), and its sub-commands reach the settings through it.
 */
abstract class CommandGroup implements Runnable {

    @ParentCommand
    EnrollflowCommand parent;
    @Spec
    CommandSpec spec;

    /** The sub-commands in words, for the usage error: "list, show, replay or purge". */
    abstract String subcommands();

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name " + (spec.name().matches("[aeiou].*") ? "an " : "a ") + spec.name() + " sub-command: " + subcommands());
    }
}

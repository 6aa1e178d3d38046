package io.enrollflow.cli;

import io.enrollflow.management.IntakePause;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code intake pause|resume|status}: stops and restarts taking tasks from the queue, for every instance on this Redis
 * at once (each honours it within a second); tasks in flight finish, the queue keeps what producers push.
 */
@Command(name = "intake", mixinStandardHelpOptions = true,
        description = "Pause or resume taking tasks, for every instance on this Redis.",
        subcommands = {IntakeCommand.Pause.class, IntakeCommand.Resume.class, IntakeCommand.Status.class})
public class IntakeCommand implements Runnable {

    @ParentCommand
    EnrollflowCommand parent;
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name an intake sub-command: pause, resume or status");
    }

    /** Prints the state and what the queue holds. */
    static int print(CommandSpec spec, Stores stores, IntakePause.State state) {
        PrintWriter out = spec.commandLine().getOut();
        int queued = stores.redis.getList(stores.keys.queue()).size();
        out.println("intake " + state.word() + (state.since() == null ? "" : " since " + state.since())
                + "; " + queued + " task(s) waiting on " + stores.keys.queue());
        out.flush();
        return EnrollflowCommand.OK;
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Stop taking tasks on every instance; tasks in flight finish.")
    static class Pause implements Callable<Integer> {
        @ParentCommand
        IntakeCommand intake;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Stores stores = new Stores(intake.parent.settings())) {
                return print(spec, stores, stores.pause.pause());
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Take tasks again on every instance.")
    static class Resume implements Callable<Integer> {
        @ParentCommand
        IntakeCommand intake;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Stores stores = new Stores(intake.parent.settings())) {
                return print(spec, stores, stores.pause.resume());
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether intake is paused.")
    static class Status implements Callable<Integer> {
        @ParentCommand
        IntakeCommand intake;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Stores stores = new Stores(intake.parent.settings())) {
                return print(spec, stores, stores.pause.state());
            }
        }
    }
}

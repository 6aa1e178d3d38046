package io.enrollflow.cli;

import io.enrollflow.queue.IntakePause;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.function.Function;

/**
 * {@code intake pause|resume|status}: stops and restarts taking tasks from the queue, for every instance on this Redis
 * at once (each honours it within a second); tasks in flight finish, the queue keeps what producers push.
 */
@Command(name = "intake", mixinStandardHelpOptions = true,
        description = "Pause or resume taking tasks, for every instance on this Redis.")
public class IntakeCommand extends CommandGroup {

    @Override
    String subcommands() {
        return "pause, resume or status";
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Stop taking tasks on every instance; tasks in flight finish.")
    int pause() {
        return act(IntakePause::pause);
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Take tasks again on every instance.")
    int resume() {
        return act(IntakePause::resume);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether intake is paused.")
    int status() {
        return act(IntakePause::state);
    }

    /** Does the action, then prints the state and what the queue holds. */
    private int act(Function<IntakePause, IntakePause.State> action) {
        try (Stores stores = new Stores(parent.settings())) {
            IntakePause.State state = action.apply(stores.pause);
            PrintWriter out = spec.commandLine().getOut();
            int queued = stores.redis.getList(stores.keys.queue()).size();
            out.println("intake " + state.word() + (state.since() == null ? "" : " since " + state.since())
                    + "; " + queued + " task(s) waiting on " + stores.keys.queue());
            out.flush();
            return EnrollflowCommand.OK;
        }
    }
}

package io.enrollflow.cli;

import io.enrollflow.runtime.EnrollflowRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

import java.util.concurrent.Callable;

/** {@code run}: the runtime, until SIGTERM (the default sub-command). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the worker until stopped (the default).")
public class RunCommand implements Callable<Integer> {

    @ParentCommand
    EnrollflowCommand parent;

    @Override
    public Integer call() throws Exception {
        return run(parent);
    }

    int run(EnrollflowCommand top) throws Exception {
        EnrollflowRuntime runtime = new EnrollflowRuntime(top.settings(), top.routes);
        // SIGTERM and Ctrl-C stop the runtime gracefully and the process exits 0 (docs/contract.md §7). Handled here rather
        // than by a shutdown hook, because a JVM ended by a signal's default handler exits 143, whatever the hooks do.
        Signal.handle(new Signal("TERM"), signal -> runtime.requestStop());
        Signal.handle(new Signal("INT"), signal -> runtime.requestStop());
        runtime.runUntilStopped();
        return EnrollflowCommand.OK;
    }
}

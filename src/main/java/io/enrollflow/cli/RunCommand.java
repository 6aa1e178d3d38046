package io.enrollflow.cli;

import io.enrollflow.runtime.EnrollflowRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

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
        runtime.runUntilStopped();
        return EnrollflowCommand.OK;
    }
}

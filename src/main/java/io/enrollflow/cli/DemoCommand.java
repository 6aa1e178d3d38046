package io.enrollflow.cli;

import io.enrollflow.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code demo}: the local trial (docs/contract.md §9). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "A local trial: bundled Redis, sample enrollment service and download command, delivery to ./demo-out.")
public class DemoCommand implements Callable<Integer> {

    @ParentCommand
    EnrollflowCommand parent;

    @Override
    public Integer call() throws Exception {
        return new Demo(System.out).run(parent.routes);
    }
}

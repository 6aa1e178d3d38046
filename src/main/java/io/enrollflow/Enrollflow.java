package io.enrollflow;

import io.enrollflow.cli.EnrollflowCommand;

/** {@code java -jar enrollflow.jar [run|demo|status|dlq] …}: see {@link EnrollflowCommand}. */
public final class Enrollflow {

    private Enrollflow() {
    }

    public static void main(String[] args) {
        System.exit(EnrollflowCommand.executeAsProcess(args));
    }
}

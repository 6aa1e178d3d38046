package io.enrollflow.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A {@code dlq} sub-command: its output streams, and the stores it opens from the settings (closed after). */
abstract class DlqSubcommand implements Callable<Integer> {

    @ParentCommand
    DlqCommand dlq;
    @Spec
    CommandSpec spec;

    Stores openStores() {
        return new Stores(dlq.parent.settings());
    }
}

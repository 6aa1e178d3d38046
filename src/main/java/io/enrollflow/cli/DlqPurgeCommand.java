package io.enrollflow.cli;

import io.enrollflow.deadletter.DeadLetterFilter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlq purge <taskId>... | --all [--yes]}: removes records for good (their tasks stay {@code failed}).
 * {@code --all} asks for {@code --yes}.
 */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = "Remove dead letters for good (the tasks stay failed).")
class DlqPurgeCommand extends DlqChange {

    @Option(names = "--yes", description = "Confirm --all (it removes every dead letter)")
    boolean yes;

    @Override
    public Integer call() {
        if (named() == all) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name the records to purge, or give --all");
        }
        if (all && !yes) {
            spec.commandLine().getErr().println("enrollflow: dlq purge --all removes every dead letter for good; "
                    + "add --yes to confirm (dlq list shows them)");
            spec.commandLine().getErr().flush();
            return EnrollflowCommand.USAGE;
        }
        try (Stores stores = openStores()) {
            if (all) {
                return eachMatching("purged", each -> stores.replays.purgeMatching(DeadLetterFilter.ALL, each),
                        letter -> "");
            }
            return report("purged", stores.replays.purge(taskIds), id -> "");
        }
    }
}

package io.enrollflow.cli;

import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.ReplayService;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What {@code dlq replay} and {@code dlq purge} share: the ids named or a selection, a line per task done, then the
 * count; an unknown id is reported on stderr and makes the exit code 1 (the others are still done).
 */
abstract class DlqChange extends DlqSubcommand {

    @Parameters(paramLabel = "TASK_ID", arity = "0..*", description = "The dead letters, by task id")
    List<String> taskIds;
    @Option(names = "--all", description = "Every dead letter")
    boolean all;

    /** True when ids were named (rather than a selection). */
    boolean named() {
        return taskIds != null && !taskIds.isEmpty();
    }

    /**
     * A selection: a line per task as each batch goes ({@code detail} appended), then the count; nothing is held but
     * the batch.
     *
     * @param action does the selection, telling each task done to the consumer; returns how many
     */
    int eachMatching(String verb, ToLongFunction<Consumer<DeadLetter>> action, Function<DeadLetter, String> detail) {
        PrintWriter out = spec.commandLine().getOut();
        long count = action.applyAsLong(letter -> out.println(verb + " " + letter.taskId() + detail.apply(letter)));
        out.println(count + " " + verb);
        out.flush();
        return EnrollflowCommand.OK;
    }

    /** Ids named: a line per task done ({@code detail} appended), each unknown id on stderr, then the count. */
    int report(String verb, ReplayService.Outcome outcome, Function<String, String> detail) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        outcome.done().forEach(id -> out.println(verb + " " + id + detail.apply(id)));
        outcome.unknown().forEach(id -> err.println("enrollflow: no dead letter for " + id));
        out.println(outcome.done().size() + " " + verb
                + (outcome.unknown().isEmpty() ? "" : ", " + outcome.unknown().size() + " not found"));
        out.flush();
        err.flush();
        return outcome.unknown().isEmpty() ? EnrollflowCommand.OK : EnrollflowCommand.NOT_FOUND_OR_FAILED;
    }
}

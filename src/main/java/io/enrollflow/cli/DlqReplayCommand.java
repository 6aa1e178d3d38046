package io.enrollflow.cli;

import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code dlq replay <taskId>... | --all | --reason R | --stage S}: each task back onto the queue (status queued,
 * replays + 1) and its record removed, one atomic step per task. One line per task, then the count; an unknown id
 * is reported and makes the exit code 1 (the others are still replayed).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Put dead-lettered tasks back on the queue (their records go).")
class DlqReplayCommand extends DlqChange {

    @Option(names = "--reason", description = "Every dead letter with this reason, e.g. enrollment_unavailable")
    String reason;
    @Option(names = "--stage", description = "Every dead letter of this stage: intake, enroll, download, deliver")
    String stage;

    @Override
    public Integer call() {
        boolean named = named();
        boolean filtered = stage != null || reason != null;
        int ways = (named ? 1 : 0) + (all ? 1 : 0) + (filtered ? 1 : 0);
        if (ways != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "name the tasks to replay, or give --all, or --reason and/or --stage (one of these)");
        }
        DlqCommand.checkFilters(spec, stage, reason);
        try (Stores stores = openStores()) {
            if (!named) {
                return eachMatching("replayed", each -> stores.replays.replayMatching(
                        new DeadLetterFilter(reason, stage, null), each), DlqReplayCommand::detail);
            }
            Map<String, DeadLetter> letters = new HashMap<>();
            for (String id : taskIds) {
                DeadLetter letter = stores.deadLetters.get(id);
                if (letter != null) {
                    letters.put(id, letter);
                }
            }
            return report("replayed", stores.replays.replay(taskIds), id -> {
                DeadLetter letter = letters.get(id);
                return letter == null ? "" : detail(letter);
            });
        }
    }

    private static String detail(DeadLetter letter) {
        return " (" + letter.reason() + " at " + letter.stage() + ", replay " + (letter.replays() + 1) + ")";
    }
}

package io.enrollflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterPage;
import io.enrollflow.deadletter.DeadLetterStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code dlq list|show|replay|purge}: the dead letters (CONTRACT §6). */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Dead letters: failed tasks, why, and putting them back.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.ShowCommand.class, DlqCommand.ReplayCommand.class,
                DlqCommand.PurgeCommand.class})
public class DlqCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    EnrollflowCommand parent;
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a dlq sub-command: list, show, replay or purge");
    }

    /** {@code dlq list [--stage S] [--reason R] [--limit N] [--offset N] [--json]}: one page, read from an index. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, newest first.")
    static class ListCommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;
        @Spec
        CommandSpec spec;

        @Option(names = "--stage", description = "Only this stage: intake, enroll, download, deliver")
        String stage;
        @Option(names = "--reason", description = "Only this reason, e.g. enrollment_unavailable")
        String reason;
        @Option(names = "--limit", defaultValue = "100",
                description = "At most this many, 1 to " + DeadLetterStore.MAX_LIMIT + " (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--offset", defaultValue = "0",
                description = "Skip this many of the newest first, 0 to " + DeadLetterStore.MAX_OFFSET + " (default ${DEFAULT-VALUE})")
        int offset;
        @Option(names = "--json", description = "A JSON array of the records")
        boolean json;

        @Override
        public Integer call() throws Exception {
            checkFilters(spec, stage, reason);
            if (limit < 1 || limit > DeadLetterStore.MAX_LIMIT) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--limit must be from 1 to " + DeadLetterStore.MAX_LIMIT);
            }
            if (offset < 0 || offset > DeadLetterStore.MAX_OFFSET) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--offset must be from 0 to " + DeadLetterStore.MAX_OFFSET);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Stores stores = new Stores(dlq.parent.settings())) {
                DeadLetterPage page = stores.deadLetters.page(new DeadLetterFilter(reason, stage, null), offset, limit);
                List<DeadLetter> letters = page.records();
                if (json) {
                    ArrayNode array = JSON.createArrayNode();
                    letters.forEach(letter -> array.add(letter.json()));
                    out.println(array.toString());
                } else if (letters.isEmpty()) {
                    out.println("no dead letters" + (stage != null || reason != null ? " matching the filter" : "")
                            + (offset > 0 ? " past offset " + offset + " (" + page.total() + " in all)" : ""));
                } else {
                    out.printf("%-24s %-22s %-9s %8s %6s  %s%n", "TASK", "REASON", "STAGE", "ATTEMPTS", "AGE", "MESSAGE");
                    Instant now = Instant.now();
                    for (DeadLetter letter : letters) {
                        out.printf("%-24s %-22s %-9s %8d %6s  %s%n", Terminal.line(letter.taskId()), Terminal.line(letter.reason()),
                                Terminal.line(letter.stage()), letter.attempts(), age(letter.lastFailedAt(), now),
                                Terminal.line(oneLine(letter.message(), 80)));
                    }
                    out.println(letters.size() + " shown of " + page.total()
                            + (offset + letters.size() < page.total() ? " (--offset " + (offset + letters.size())
                            + " for the next page)" : "") + "; dlq show <taskId> for one record");
                }
                out.flush();
                return EnrollflowCommand.OK;
            }
        }
    }

    /** {@code dlq show <taskId> [--json]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter.")
    static class ShowCommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TASK_ID")
        String taskId;
        @Option(names = "--json", description = "The record as one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (Stores stores = new Stores(dlq.parent.settings())) {
                DeadLetter letter = stores.deadLetters.get(taskId);
                if (letter == null) {
                    spec.commandLine().getErr().println("enrollflow: no dead letter for " + taskId);
                    return EnrollflowCommand.NOT_FOUND_OR_FAILED;
                }
                if (json) {
                    out.println(letter.json().toString());
                } else {
                    Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> fields = letter.json().fields();
                    while (fields.hasNext()) {
                        var field = fields.next();
                        if (field.getKey().equals("log") || field.getKey().equals("task")) {
                            continue;
                        }
                        out.printf("%-14s %s%n", Terminal.line(field.getKey()) + ":", Terminal.line(field.getValue().asText()));
                    }
                    out.println("task:");
                    out.println("  " + Terminal.lines(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(letter.task()))
                            .replace("\n", "\n  "));
                    if (letter.json().has("log")) {
                        out.println("log (last 4 KiB of the download output):");
                        out.println(Terminal.lines(letter.json().path("log").asText().stripTrailing()));
                    }
                }
                out.flush();
                return EnrollflowCommand.OK;
            }
        }
    }

    /**
     * {@code dlq replay <taskId>... | --all | --reason R | --stage S}: each task back onto the queue (status queued,
     * replays + 1) and its record removed, one atomic step per task. One line per task, then the count; an unknown id
     * is reported and makes the exit code 1 (the others are still replayed).
     */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put dead-lettered tasks back on the queue (their records go).")
    static class ReplayCommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TASK_ID", arity = "0..*", description = "The tasks to replay")
        List<String> taskIds;
        @Option(names = "--all", description = "Every dead letter")
        boolean all;
        @Option(names = "--reason", description = "Every dead letter with this reason, e.g. enrollment_unavailable")
        String reason;
        @Option(names = "--stage", description = "Every dead letter of this stage: intake, enroll, download, deliver")
        String stage;

        @Override
        public Integer call() {
            boolean named = taskIds != null && !taskIds.isEmpty();
            boolean filtered = stage != null || reason != null;
            int ways = (named ? 1 : 0) + (all ? 1 : 0) + (filtered ? 1 : 0);
            if (ways != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "name the tasks to replay, or give --all, or --reason and/or --stage (one of these)");
            }
            checkFilters(spec, stage, reason);
            try (Stores stores = new Stores(dlq.parent.settings())) {
                if (!named) {
                    // a line per task as each batch goes, then the count: nothing held but the batch
                    PrintWriter out = spec.commandLine().getOut();
                    long replayed = stores.replays.replayMatching(new DeadLetterFilter(reason, stage, null),
                            letter -> out.println("replayed " + letter.taskId() + replayDetail(letter)));
                    out.println(replayed + " replayed");
                    out.flush();
                    return EnrollflowCommand.OK;
                }
                Map<String, DeadLetter> letters = new HashMap<>();
                for (String id : taskIds) {
                    DeadLetter letter = stores.deadLetters.get(id);
                    if (letter != null) {
                        letters.put(id, letter);
                    }
                }
                var outcome = stores.replays.replay(taskIds);
                return report(spec, "replayed", outcome.done(), outcome.unknown(), id -> {
                    DeadLetter letter = letters.get(id);
                    return letter == null ? "" : replayDetail(letter);
                });
            }
        }
    }

    private static String replayDetail(DeadLetter letter) {
        return " (" + letter.reason() + " at " + letter.stage() + ", replay " + (letter.replays() + 1) + ")";
    }

    /**
     * {@code dlq purge <taskId>... | --all [--yes]}: removes records for good (their tasks stay {@code failed}).
     * {@code --all} asks for {@code --yes}.
     */
    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Remove dead letters for good (the tasks stay failed).")
    static class PurgeCommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TASK_ID", arity = "0..*", description = "The records to remove")
        List<String> taskIds;
        @Option(names = "--all", description = "Every dead letter (needs --yes)")
        boolean all;
        @Option(names = "--yes", description = "Confirm --all")
        boolean yes;

        @Override
        public Integer call() {
            boolean named = taskIds != null && !taskIds.isEmpty();
            if (named == all) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name the records to purge, or give --all");
            }
            if (all && !yes) {
                spec.commandLine().getErr().println("enrollflow: dlq purge --all removes every dead letter for good; "
                        + "add --yes to confirm (dlq list shows them)");
                spec.commandLine().getErr().flush();
                return EnrollflowCommand.USAGE;
            }
            try (Stores stores = new Stores(dlq.parent.settings())) {
                if (all) {
                    PrintWriter out = spec.commandLine().getOut();
                    long purged = stores.replays.purgeMatching(DeadLetterFilter.ALL,
                            letter -> out.println("purged " + letter.taskId()));
                    out.println(purged + " purged");
                    out.flush();
                    return EnrollflowCommand.OK;
                }
                var outcome = stores.replays.purge(taskIds);
                return report(spec, "purged", outcome.done(), outcome.unknown(), id -> "");
            }
        }
    }

    /**
     * What replay and purge print: a line per task done ({@code detail} appended), each unknown id on stderr, then
     * the count; exit 1 when any id was unknown (the others were still done).
     */
    static int report(CommandSpec spec, String verb, List<String> done, List<String> unknown,
                      Function<String, String> detail) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        done.forEach(id -> out.println(verb + " " + id + detail.apply(id)));
        unknown.forEach(id -> err.println("enrollflow: no dead letter for " + id));
        out.println(done.size() + " " + verb + (unknown.isEmpty() ? "" : ", " + unknown.size() + " not found"));
        out.flush();
        err.flush();
        return unknown.isEmpty() ? EnrollflowCommand.OK : EnrollflowCommand.NOT_FOUND_OR_FAILED;
    }

    static void checkFilters(CommandSpec spec, String stage, String reason) {
        String problem = DeadLetterFilter.problem(stage, reason);
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    static String age(String at, Instant now) {
        try {
            Duration d = Duration.between(Instant.parse(at), now);
            if (d.toDays() > 0) {
                return d.toDays() + "d";
            }
            if (d.toHours() > 0) {
                return d.toHours() + "h";
            }
            if (d.toMinutes() > 0) {
                return d.toMinutes() + "m";
            }
            return Math.max(0, d.toSeconds()) + "s";
        } catch (Exception e) {
            return "?";
        }
    }

    static String oneLine(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > max ? flat.substring(0, max - 1) + "…" : flat;
    }
}

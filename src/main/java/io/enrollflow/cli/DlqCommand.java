package io.enrollflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterPage;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** {@code dlq list|show|replay|purge}: the dead letters (docs/contract.md §6). */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Dead letters: failed tasks, why, and putting them back.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.ShowCommand.class, DlqReplayCommand.class,
                DlqPurgeCommand.class})
public class DlqCommand extends CommandGroup {

    static final ObjectMapper JSON = Json.MAPPER;

    @Override
    String subcommands() {
        return "list, show, replay or purge";
    }

    /** {@code dlq list [--stage S] [--reason R] [--limit N] [--offset N] [--json]}: one page, read from an index. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, newest first.")
    static class ListCommand extends DlqSubcommand {
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
            try (Stores stores = openStores()) {
                DeadLetterPage page = stores.deadLetters.page(new DeadLetterFilter(reason, stage, null), offset, limit);
                List<DeadLetter> letters = page.records();
                if (json) {
                    ArrayNode array = JSON.createArrayNode();
                    letters.forEach(letter -> array.add(letter.json()));
                    out.println(Json.write(array));
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
    static class ShowCommand extends DlqSubcommand {
        @Parameters(index = "0", paramLabel = "TASK_ID")
        String taskId;
        @Option(names = "--json", description = "The record as one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (Stores stores = openStores()) {
                DeadLetter letter = stores.deadLetters.get(taskId);
                if (letter == null) {
                    spec.commandLine().getErr().println("enrollflow: no dead letter for " + taskId);
                    return EnrollflowCommand.NOT_FOUND_OR_FAILED;
                }
                if (json) {
                    out.println(Json.write(letter.json()));
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

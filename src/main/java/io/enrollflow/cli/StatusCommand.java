package io.enrollflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.status.TaskReport;
import io.enrollflow.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code status <taskId> [--json]}: the task's status hash and its history (docs/contract.md §3). */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a task's status and its history.")
public class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = Json.MAPPER;
    /** The fields printed first, in this order; others follow. The raw payload is only in --json. */
    private static final List<String> MAIN_FIELDS = List.of("status", "stage", "reason", "message", "attempts",
            "orderId", "courseUrl", "deliveryUrl", "nextAttemptAt", "replays", "updatedAt");

    @ParentCommand
    EnrollflowCommand parent;
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task's id")
    String taskId;

    @Option(names = "--json", description = "One JSON object: the hash's fields plus history")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Stores stores = new Stores(parent.settings())) {
            Map<String, String> hash = stores.status.read(taskId);
            if (hash.isEmpty()) {
                spec.commandLine().getErr().println("enrollflow: no task " + Terminal.line(taskId));
                return EnrollflowCommand.NOT_FOUND_OR_FAILED;
            }
            List<String> history = stores.status.history(taskId);
            if (json) {
                out.println(Json.write(TaskReport.json(taskId, hash, history)));
            } else {
                out.println("task " + Terminal.line(taskId) + ": " + Terminal.line(hash.getOrDefault("status", "?")));
                for (String field : MAIN_FIELDS) {
                    String value = hash.get(field);
                    if (value != null && !value.isEmpty() && !field.equals("status")) {
                        out.printf("  %-14s %s%n", field + ":", Terminal.line(value));
                    }
                }
                out.println("history:");
                for (String entry : history) {
                    var node = JSON.readTree(entry);
                    String message = node.path("message").asText();
                    out.printf("  %-24s %-12s %s%n", Terminal.line(node.path("at").asText()),
                            Terminal.line(node.path("status").asText()), Terminal.line(message));
                }
            }
            out.flush();
            return EnrollflowCommand.OK;
        }
    }
}

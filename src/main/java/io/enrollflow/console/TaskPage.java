package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.console.Pages.Frame;
import io.enrollflow.console.Pages.Viewer;
import io.enrollflow.deadletter.DeadLetter;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console's page of one task ({@code task.jte}): its status hash, its history as a timeline, and its dead letter
 * (with the log's tail, the payload as received, and replay and purge) when it has one.
 */
final class TaskPage {

    private static final List<String> LETTER_FIELDS = List.of("stage", "reason", "message", "attempts", "replays",
            "firstFailedAt", "lastFailedAt");

    private TaskPage() {
    }

    record View(Frame frame, String taskId, List<Field> fields, List<Event> history, Letter letter) {
    }

    /**
     * One field of the status hash.
     *
     * @param link true for a delivery URL that is http(s): only those become links (never javascript:, data:, …)
     * @param pre  true for the payload, shown as preformatted text
     */
    record Field(String name, String value, boolean link, boolean pre) {
    }

    record Event(String at, String status, String message) {
    }

    /** The dead-letter record: its fields in order, the log's tail (null when none) and the payload as received. */
    record Letter(String taskId, List<Map.Entry<String, String>> facts, String log, String payload) {
    }

    static String task(FleetView.TaskView task, Viewer viewer, String back, String notice) {
        List<Field> fields = task.status().entrySet().stream()
                .map(field -> new Field(field.getKey(), field.getValue(),
                        field.getKey().equals("deliveryUrl") && webUrl(field.getValue()), field.getKey().equals("payload")))
                .toList();
        List<Event> history = task.history().stream()
                .map(entry -> new Event(entry.path("at").asText(), entry.path("status").asText(), entry.path("message").asText()))
                .toList();
        return PageOutput.render("task.jte", new View(new Frame("Task " + task.taskId(), viewer, "", back, notice),
                task.taskId(), fields, history, letter(task.deadLetter())));
    }

    private static Letter letter(DeadLetter letter) {
        if (letter == null) {
            return null;
        }
        List<Map.Entry<String, String>> facts = LETTER_FIELDS.stream()
                .map(field -> Map.entry(field, letter.json().path(field).asText())).toList();
        JsonNode payload = letter.task();
        return new Letter(letter.taskId(), facts, letter.json().hasNonNull("log") ? letter.json().path("log").asText() : null,
                payload.isTextual() ? payload.asText() : payload.toPrettyString());
    }

    private static boolean webUrl(String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }
}

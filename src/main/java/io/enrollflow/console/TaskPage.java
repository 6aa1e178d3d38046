package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.console.Pages.Viewer;
import io.enrollflow.deadletter.DeadLetter;

import java.util.List;
import java.util.Map;

import static io.enrollflow.console.Html.text;
import static io.enrollflow.console.Pages.csrf;
import static io.enrollflow.console.Pages.layout;
import static io.enrollflow.console.Pages.notice;

/**
 * The console's page of one task: its status hash, its history as a timeline, and its dead letter (with the log's
 * tail, the payload as received, and replay and purge) when it has one.
 */
final class TaskPage {

    private TaskPage() {
    }

    static String task(FleetView.TaskView task, Viewer viewer, String back, String notice) {
        StringBuilder b = new StringBuilder(notice(notice)).append("<h1>Task <span id=\"task-id\">").append(text(task.taskId())).append("</span></h1>");
        b.append("<section id=\"task-status\" data-live><h2>Status</h2>");
        if (task.status().isEmpty()) {
            b.append("<p>No status hash (a payload without a usable taskId).</p>");
        } else {
            b.append("<dl class=\"facts\">");
            for (Map.Entry<String, String> field : task.status().entrySet()) {
                b.append("<dt>").append(text(field.getKey())).append("</dt><dd id=\"field-").append(text(field.getKey())).append("\">");
                if (field.getKey().equals("deliveryUrl")) {
                    b.append(link(field.getValue()));
                } else if (field.getKey().equals("payload")) {
                    b.append("<pre>").append(text(field.getValue())).append("</pre>");
                } else {
                    b.append(text(field.getValue()));
                }
                b.append("</dd>");
            }
            b.append("</dl>");
        }
        b.append("<h2>History</h2><ol class=\"timeline\" id=\"timeline\">");
        for (JsonNode entry : task.history()) {
            b.append("<li><time>").append(text(entry.path("at").asText())).append("</time> <strong class=\"status\">")
                    .append(text(entry.path("status").asText())).append("</strong> <span>").append(text(entry.path("message").asText()))
                    .append("</span></li>");
        }
        b.append("</ol></section>");
        DeadLetter letter = task.deadLetter();
        if (letter != null) {
            b.append("<section id=\"dead-letter\"><h2>Dead letter</h2><dl class=\"facts\">");
            for (String field : List.of("stage", "reason", "message", "attempts", "replays", "firstFailedAt", "lastFailedAt")) {
                b.append("<dt>").append(field).append("</dt><dd id=\"dl-").append(field).append("\">").append(text(letter.json().path(field).asText())).append("</dd>");
            }
            b.append("</dl>");
            if (letter.json().hasNonNull("log")) {
                b.append("<h3>Download log (tail)</h3><pre id=\"dl-log\">").append(text(letter.json().path("log").asText())).append("</pre>");
            }
            b.append("<h3>Payload as received</h3><pre id=\"dl-payload\">")
                    .append(text(letter.task().isTextual() ? letter.task().asText() : letter.task().toPrettyString())).append("</pre>");
            if (viewer.mayAct()) {
                b.append("<form method=\"post\" action=\"/actions/dead-letters\">").append(csrf(viewer, back))
                        .append("<input type=\"hidden\" name=\"id\" value=\"").append(text(letter.taskId())).append("\">")
                        .append("<button id=\"replay-task\" type=\"submit\" name=\"action\" value=\"replay\">Replay</button> ")
                        .append("<button id=\"purge-task\" class=\"danger\" type=\"submit\" name=\"action\" value=\"purge\">Purge</button></form>");
            }
            b.append("</section>");
        }
        return layout("Task " + task.taskId(), viewer, "", back, b.toString());
    }

    /** A link for an http(s) URL; anything else (javascript:, data:, text) is shown as text only. */
    private static String link(String value) {
        String lower = value == null ? "" : value.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return "<a id=\"delivery-link\" href=\"" + text(value) + "\" rel=\"noopener noreferrer\" target=\"_blank\">" + text(value) + "</a>";
        }
        return text(value);
    }

}

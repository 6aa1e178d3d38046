package io.enrollflow.console;

import io.enrollflow.console.Pages.Viewer;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterPage;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;

import static io.enrollflow.console.Html.text;
import static io.enrollflow.console.Html.url;
import static io.enrollflow.console.Pages.csrf;
import static io.enrollflow.console.Pages.cut;
import static io.enrollflow.console.Pages.layout;
import static io.enrollflow.console.Pages.notice;
import static io.enrollflow.console.Pages.pager;
import static io.enrollflow.console.Pages.taskLink;

/**
 * The console's dead-letter pages: the filtered list (reason, stage, text) with its per-record and all-matching
 * actions, and the page that confirms an action on every match; plus how a filter reads in words and in a query.
 */
final class DeadLetterPages {

    private DeadLetterPages() {
    }

    static String deadLetters(DeadLetterPage page, DeadLetterFilter filter, Viewer viewer, String back, String notice) {
        StringBuilder b = new StringBuilder(notice(notice)).append("<h1>Dead letters</h1>");
        b.append("<form class=\"filter\" method=\"get\" action=\"/dead-letters\"><label>Reason <select id=\"filter-reason\" name=\"reason\"><option value=\"\">any</option>");
        for (FailureReason reason : FailureReason.values()) {
            option(b, reason.word(), filter.reason());
        }
        b.append("</select></label><label>Stage <select id=\"filter-stage\" name=\"stage\"><option value=\"\">any</option>");
        for (Stage stage : Stage.values()) {
            option(b, stage.word(), filter.stage());
        }
        b.append("</select></label><label>Text <input id=\"filter-text\" name=\"q\" type=\"search\" value=\"").append(text(filter.text()))
                .append("\"></label><button id=\"filter\" type=\"submit\">Filter</button></form>");

        String query = filterQuery(filter);
        b.append("<section id=\"dead-letters\" data-live><p><span id=\"match-count\">")
                .append(page.total() < 0 ? "more than " + (page.offset() + page.records().size()) : String.valueOf(page.total()))
                .append("</span> match, newest first.");
        if (viewer.mayAct() && page.total() != 0) {
            b.append(" <a id=\"replay-matching\" class=\"button\" href=\"/dead-letters/confirm?action=replay&amp;").append(text(query))
                    .append("\">Replay all matching…</a> <a id=\"purge-matching\" class=\"button danger\" href=\"/dead-letters/confirm?action=purge&amp;")
                    .append(text(query)).append("\">Purge all matching…</a>");
        }
        b.append("</p>");
        if (viewer.mayAct()) {
            b.append("<form method=\"post\" action=\"/actions/dead-letters\">").append(csrf(viewer, back));
        }
        b.append("<div class=\"scroll\"><table><thead><tr>")
                .append(viewer.mayAct() ? "<th><input type=\"checkbox\" id=\"select-all\" data-select-all aria-label=\"select all\"></th>" : "")
                .append("<th>Task</th><th>Order</th><th>Stage</th><th>Reason</th><th>Message</th><th>Attempts</th><th>Failed at</th></tr></thead><tbody>");
        for (DeadLetter letter : page.records()) {
            b.append("<tr>");
            if (viewer.mayAct()) {
                b.append("<td><input type=\"checkbox\" name=\"id\" value=\"").append(text(letter.taskId()))
                        .append("\" aria-label=\"select ").append(text(letter.taskId())).append("\"></td>");
            }
            b.append("<td>").append(taskLink(letter.taskId())).append("</td><td>").append(text(letter.task().path("orderId").asText("")))
                    .append("</td><td>").append(text(letter.stage())).append("</td><td>").append(text(letter.reason()))
                    .append("</td><td>").append(text(cut(letter.message()))).append("</td><td class=\"num\">").append(letter.attempts())
                    .append("</td><td>").append(text(letter.lastFailedAt())).append("</td></tr>");
        }
        b.append("</tbody></table></div>");
        if (viewer.mayAct()) {
            b.append("<p class=\"actions\"><button id=\"replay-selected\" type=\"submit\" name=\"action\" value=\"replay\">Replay selected</button> ")
                    .append("<button id=\"purge-selected\" class=\"danger\" type=\"submit\" name=\"action\" value=\"purge\">Purge selected</button></p></form>");
        }
        b.append(pager("/dead-letters?" + (query.isEmpty() ? "" : query + "&"), page.offset(), page.limit(), page.total(), page.records().size()))
                .append("</section>");
        return layout("Dead letters", viewer, "Dead letters", back, b.toString());
    }

    static String confirm(String action, DeadLetterFilter filter, long count, Viewer viewer) {
        String verb = action.equals("purge") ? "Purge" : "Replay";
        StringBuilder b = new StringBuilder("<h1>").append(verb).append(" dead letters</h1><section class=\"confirm\"><p id=\"confirm-text\">")
                .append(verb).append(' ').append(count).append(count == 1 ? " dead letter" : " dead letters").append(" that match ")
                .append(text(describe(filter))).append('?')
                .append(action.equals("purge") ? " Purged records are gone for good; the tasks stay failed." : " They go back on the queue.")
                .append("</p><form method=\"post\" action=\"/actions/dead-letters/matching\">")
                .append(csrf(viewer, "/dead-letters?" + filterQuery(filter)))
                .append("<input type=\"hidden\" name=\"action\" value=\"").append(text(action)).append("\">")
                .append("<input type=\"hidden\" name=\"reason\" value=\"").append(text(filter.reason())).append("\">")
                .append("<input type=\"hidden\" name=\"stage\" value=\"").append(text(filter.stage())).append("\">")
                .append("<input type=\"hidden\" name=\"q\" value=\"").append(text(filter.text())).append("\">")
                .append("<button id=\"confirm\" type=\"submit\"").append(action.equals("purge") ? " class=\"danger\"" : "").append('>')
                .append(verb).append(' ').append(count).append("</button> <a href=\"/dead-letters?").append(text(filterQuery(filter)))
                .append("\">Cancel</a></form></section>");
        return layout(verb + " dead letters", viewer, "Dead letters", "/dead-letters", b.toString());
    }

    static String describe(DeadLetterFilter filter) {
        StringBuilder out = new StringBuilder();
        if (filter.reason() != null) {
            out.append("reason ").append(filter.reason());
        }
        if (filter.stage() != null) {
            out.append(out.isEmpty() ? "" : ", ").append("stage ").append(filter.stage());
        }
        if (filter.text() != null) {
            out.append(out.isEmpty() ? "" : ", ").append("text \"").append(filter.text()).append('"');
        }
        return out.isEmpty() ? "any filter (all)" : out.toString();
    }

    static String filterQuery(DeadLetterFilter filter) {
        StringBuilder q = new StringBuilder();
        if (filter.reason() != null) {
            q.append("reason=").append(url(filter.reason()));
        }
        if (filter.stage() != null) {
            q.append(q.isEmpty() ? "" : "&").append("stage=").append(url(filter.stage()));
        }
        if (filter.text() != null) {
            q.append(q.isEmpty() ? "" : "&").append("q=").append(url(filter.text()));
        }
        return q.toString();
    }

    private static void option(StringBuilder b, String value, String selected) {
        b.append("<option value=\"").append(text(value)).append('"').append(value.equals(selected) ? " selected" : "")
                .append('>').append(text(value)).append("</option>");
    }

}

package io.enrollflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterPage;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.enrollflow.console.Html.text;
import static io.enrollflow.console.Html.url;

/**
 * The console's pages as HTML text. Every value that came from a task, an operator or Redis goes through
 * {@link Html#text}; the only markup is written here. Regions marked {@code data-live} are what console.js swaps in
 * when it refreshes a page; action forms carry the session's CSRF token and the page to come back to.
 */
final class Pages {

    /** Characters of a message or payload shown in a table cell; the task page shows all of it. */
    private static final int CELL_CHARS = 160;

    private Pages() {
    }

    /** What every signed-in page needs from the session. */
    record Viewer(boolean mayAct, String csrf, String role) {
    }

    // ---- layout -------------------------------------------------------------------------------------------------

    static String layout(String title, Viewer viewer, String active, String back, String body) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(text(title)).append(" · enrollflow</title>")
                .append("<link rel=\"stylesheet\" href=\"/static/console.css\">")
                .append("<script src=\"/static/console.js\" defer></script></head>");
        html.append("<body data-refresh=\"").append(viewer == null ? 0 : 3).append("\">");
        if (viewer != null) {
            html.append("<header><a class=\"brand\" href=\"/\">enrollflow</a><nav>");
            for (String[] item : new String[][] {{"/", "Overview"}, {"/instances", "Instances"}, {"/queue", "Queue"},
                    {"/retries", "Retries"}, {"/dead-letters", "Dead letters"}}) {
                html.append("<a href=\"").append(item[0]).append('"')
                        .append(item[1].equals(active) ? " class=\"active\"" : "").append('>').append(item[1]).append("</a>");
            }
            html.append("</nav><form class=\"search\" method=\"get\" action=\"/search\" role=\"search\">")
                    .append("<input id=\"search\" name=\"q\" type=\"search\" placeholder=\"taskId or orderId\" aria-label=\"Search by taskId or orderId\">")
                    .append("<button type=\"submit\">Search</button></form>")
                    .append("<span class=\"role\" id=\"role\">").append(text(viewer.role())).append("</span>")
                    .append("<form method=\"post\" action=\"/sign-out\">").append(csrf(viewer, back))
                    .append("<button id=\"sign-out\" type=\"submit\">Sign out</button></form></header>");
        }
        html.append("<main>").append(body).append("</main>");
        if (viewer != null) {
            html.append("<footer><span id=\"refreshed\">live: refreshes every 3 s</span></footer>");
        }
        return html.append("</body></html>").toString();
    }

    private static String csrf(Viewer viewer, String back) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(viewer.csrf()) + "\">"
                + "<input type=\"hidden\" name=\"back\" value=\"" + text(back) + "\">";
    }

    static String notice(String message) {
        return message == null || message.isBlank() ? "" : "<p class=\"notice\" id=\"notice\" role=\"status\">" + text(message) + "</p>";
    }

    // ---- sign-in --------------------------------------------------------------------------------------------------

    static String signIn(String problem, boolean readTokenSet) {
        String body = "<section class=\"sign-in\"><h1>enrollflow console</h1>"
                + (problem == null ? "" : "<p class=\"problem\" id=\"problem\">" + text(problem) + "</p>")
                + "<form method=\"post\" action=\"/sign-in\"><label for=\"token\">Token</label>"
                + "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus>"
                + "<button id=\"sign-in\" type=\"submit\">Sign in</button></form>"
                + "<p class=\"hint\">The management token (<code>enrollflow.management.token</code>) may act"
                + (readTokenSet ? "; the read token (<code>enrollflow.management.read-token</code>) looks only." : ".")
                + "</p></section>";
        return layout("Sign in", null, "", "/", body);
    }

    // ---- overview -----------------------------------------------------------------------------------------------------

    static String overview(FleetView.Overview o, Viewer viewer, String notice) {
        StringBuilder b = new StringBuilder();
        b.append(notice(notice)).append("<h1>Overview</h1><section id=\"overview-numbers\" data-live class=\"cards\">");
        card(b, "queue-depth", "Queue", o.queueDepth(), "/queue");
        card(b, "in-flight", "In flight", o.inFlight(), "/instances");
        card(b, "retry-size", "Retry schedule", o.retries(), "/retries");
        card(b, "dead-letter-count", "Dead letters", o.deadLetters(), "/dead-letters");
        card(b, "instance-count", "Instances", o.instances(), "/instances");
        b.append("<div class=\"card\"><span class=\"label\">Download permits in use</span><span class=\"value\" id=\"")
                .append("download-permits\">").append(o.downloadPermits()).append("</span></div>");
        b.append("<div class=\"card\"><span class=\"label\">Drive pause</span><span class=\"value\" id=\"drive-pause\">")
                .append(o.drivePauseMillis() > 0 ? "paused, " + (o.drivePauseMillis() + 999) / 1000 + " s left" : "none")
                .append("</span></div>");
        b.append("<div class=\"card\"><span class=\"label\">Intake</span><span class=\"value\" id=\"intake-state\">")
                .append(o.intake().word()).append("</span>");
        if (o.intake().paused()) {
            b.append("<span class=\"since\">since ").append(text(o.intake().since())).append("</span>");
        }
        if (viewer.mayAct()) {
            String action = o.intake().paused() ? "resume" : "pause";
            b.append("<form method=\"post\" action=\"/actions/").append(action).append("\">").append(csrf(viewer, "/"))
                    .append("<button id=\"").append(action).append("\" type=\"submit\">")
                    .append(o.intake().paused() ? "Resume intake" : "Pause intake").append("</button></form>");
        }
        b.append("</div></section>");

        b.append("<section id=\"throughput\" data-live><h2>Tasks per minute, last ").append(FleetView.CHART_MINUTES / 60)
                .append(" hours (fleet)</h2>");
        long completedHour = 0;
        long failedHour = 0;
        long completedAll = 0;
        long failedAll = 0;
        long max = 1;
        int n = o.completedPerMinute().length;
        for (int i = 0; i < n; i++) {
            long c = o.completedPerMinute()[i];
            long f = o.failedPerMinute()[i];
            completedAll += c;
            failedAll += f;
            if (i >= n - 60) {
                completedHour += c;
                failedHour += f;
            }
            max = Math.max(max, c + f);
        }
        b.append("<p>Last hour: <strong id=\"completed-hour\">").append(completedHour).append("</strong> completed, <strong id=\"failed-hour\">")
                .append(failedHour).append("</strong> failed. Last ").append(n / 60).append(" hours: ").append(completedAll)
                .append(" completed, ").append(failedAll).append(" failed. Peak ").append(max == 1 && completedAll + failedAll == 0 ? 0 : max)
                .append(" a minute.</p>");
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(n).append(" 50\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
                .append("completed (green) and failed (red) tasks per minute\">");
        for (int i = 0; i < n; i++) {
            double c = 48.0 * o.completedPerMinute()[i] / max;
            double f = 48.0 * o.failedPerMinute()[i] / max;
            if (c > 0) {
                b.append("<rect class=\"ok\" x=\"").append(i).append("\" y=\"").append(fmt(50 - c)).append("\" width=\"0.85\" height=\"")
                        .append(fmt(c)).append("\"><title>").append(minuteLabel(o.lastMinute() - n + 1 + i)).append(": ")
                        .append(o.completedPerMinute()[i]).append(" completed</title></rect>");
            }
            if (f > 0) {
                b.append("<rect class=\"bad\" x=\"").append(i).append("\" y=\"").append(fmt(50 - c - f)).append("\" width=\"0.85\" height=\"")
                        .append(fmt(f)).append("\"><title>").append(minuteLabel(o.lastMinute() - n + 1 + i)).append(": ")
                        .append(o.failedPerMinute()[i]).append(" failed</title></rect>");
            }
        }
        b.append("</svg><p class=\"axis\"><span>").append(minuteLabel(o.lastMinute() - n + 1)).append("</span><span>")
                .append(minuteLabel(o.lastMinute())).append(" UTC</span></p></section>");

        b.append("<section id=\"by-reason\" data-live><h2>Dead letters by reason</h2><table><thead><tr><th>Reason</th><th class=\"num\">Records</th></tr></thead><tbody>");
        for (Map.Entry<String, Long> entry : o.deadLettersByReason().entrySet()) {
            b.append("<tr><td><a href=\"/dead-letters?reason=").append(url(entry.getKey())).append("\">").append(text(entry.getKey()))
                    .append("</a></td><td class=\"num\" id=\"reason-").append(text(entry.getKey())).append("\">").append(entry.getValue()).append("</td></tr>");
        }
        b.append("</tbody></table></section>");
        return layout("Overview", viewer, "Overview", "/", b.toString());
    }

    private static void card(StringBuilder b, String id, String label, long value, String href) {
        b.append("<a class=\"card\" href=\"").append(href).append("\"><span class=\"label\">").append(label)
                .append("</span><span class=\"value\" id=\"").append(id).append("\">").append(value).append("</span></a>");
    }

    private static String fmt(double value) {
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }

    private static String minuteLabel(long epochMinute) {
        return Instant.ofEpochSecond(epochMinute * 60).toString().substring(11, 16);
    }

    // ---- instances ----------------------------------------------------------------------------------------------------

    static String instances(List<FleetView.Instance> instances, Viewer viewer) {
        StringBuilder b = new StringBuilder("<h1>Instances</h1><section id=\"instances\" data-live>");
        if (instances.isEmpty()) {
            b.append("<p>No instance has registered on this Redis.</p>");
        }
        for (FleetView.Instance instance : instances) {
            InstanceDetails d = instance.details();
            b.append("<article class=\"instance\"><h2>").append(text(instance.id())).append(instance.alive() ? "" : " <span class=\"bad\">(no heartbeat)</span>")
                    .append("</h2><dl class=\"facts\">")
                    .append("<dt>Host</dt><dd>").append(d == null ? "unknown" : text(d.host())).append("</dd>")
                    .append("<dt>Started</dt><dd>").append(d == null ? "unknown" : text(d.startedAt())).append("</dd>")
                    .append("<dt>Heartbeat age</dt><dd>").append(instance.heartbeatAgeMs() < 0 ? "unknown" : duration(instance.heartbeatAgeMs())).append("</dd>")
                    .append("<dt>Concurrency</dt><dd>").append(d == null ? "unknown" : String.valueOf(d.concurrency())).append("</dd>")
                    .append("<dt>In flight</dt><dd>").append(instance.runs().size()).append("</dd></dl>");
            if (!instance.runs().isEmpty()) {
                b.append("<div class=\"scroll\"><table><thead><tr><th>Task</th><th>Status</th><th>Stage</th><th>Elapsed</th></tr></thead><tbody>");
                for (FleetView.Run run : instance.runs()) {
                    b.append("<tr><td>").append(taskLink(run.taskId())).append("</td><td>").append(text(run.status()))
                            .append("</td><td>").append(text(run.stage())).append("</td><td class=\"num\">")
                            .append(run.elapsedMs() < 0 ? "?" : duration(run.elapsedMs())).append("</td></tr>");
                }
                b.append("</tbody></table></div>");
            }
            b.append("</article>");
        }
        b.append("</section>");
        return layout("Instances", viewer, "Instances", "/instances", b.toString());
    }

    // ---- queue and retries --------------------------------------------------------------------------------------------

    static String queue(FleetView.Page<FleetView.Waiting> page, Viewer viewer) {
        StringBuilder b = new StringBuilder("<h1>Queue</h1><section id=\"queue\" data-live><p><span id=\"queue-total\">")
                .append(page.total()).append("</span> waiting, oldest first.</p>");
        b.append("<div class=\"scroll\"><table><thead><tr><th>#</th><th>Task</th><th>Order</th><th>Payload</th></tr></thead><tbody>");
        for (FleetView.Waiting w : page.items()) {
            b.append("<tr><td class=\"num\">").append(w.position()).append("</td><td>")
                    .append(w.taskId() == null ? "<em>no taskId</em>" : taskLink(w.taskId())).append("</td><td>")
                    .append(text(w.orderId())).append("</td><td class=\"payload\">").append(text(cut(w.payload()))).append("</td></tr>");
        }
        b.append("</tbody></table></div>").append(pager("/queue?", page.offset(), page.limit(), page.total(), page.items().size()))
                .append("</section>");
        return layout("Queue", viewer, "Queue", "/queue", b.toString());
    }

    static String retries(FleetView.Page<FleetView.Scheduled> page, Viewer viewer, String back, String notice) {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder(notice(notice)).append("<h1>Retry schedule</h1><section id=\"retries\" data-live><p><span id=\"retry-total\">")
                .append(page.total()).append("</span> scheduled, soonest first.</p>");
        b.append("<div class=\"scroll\"><table><thead><tr><th>Task</th><th>Due</th><th>Attempts</th><th>Stage</th><th>Reason</th><th>Message</th>")
                .append(viewer.mayAct() ? "<th></th>" : "").append("</tr></thead><tbody>");
        for (FleetView.Scheduled s : page.items()) {
            long in = s.dueMs() - now;
            b.append("<tr><td>").append(taskLink(s.taskId())).append("</td><td>").append(text(Instant.ofEpochMilli(s.dueMs()).toString()))
                    .append(" <span class=\"muted\">(").append(in <= 0 ? "due" : "in " + duration(in)).append(")</span></td><td class=\"num\">")
                    .append(text(s.status().get("attempts"))).append("</td><td>").append(text(s.status().get("stage")))
                    .append("</td><td>").append(text(s.status().get("reason"))).append("</td><td>").append(text(cut(s.status().get("message"))))
                    .append("</td>");
            if (viewer.mayAct()) {
                b.append("<td><form method=\"post\" action=\"/actions/run-now\">").append(csrf(viewer, back))
                        .append("<input type=\"hidden\" name=\"id\" value=\"").append(text(s.taskId())).append("\">")
                        .append("<button type=\"submit\" class=\"run-now\">Run now</button></form></td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table></div>").append(pager("/retries?", page.offset(), page.limit(), page.total(), page.items().size()))
                .append("</section>");
        return layout("Retries", viewer, "Retries", back, b.toString());
    }

    // ---- dead letters -------------------------------------------------------------------------------------------------

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

    // ---- a task ---------------------------------------------------------------------------------------------------

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

    static String searchResults(String query, List<String> ids, Viewer viewer) {
        StringBuilder b = new StringBuilder("<h1>Search</h1><p>").append(ids.size()).append(ids.size() == 1 ? " task" : " tasks")
                .append(" for <strong id=\"query\">").append(text(query)).append("</strong> (taskId or orderId).</p><ul id=\"results\">");
        for (String id : ids) {
            b.append("<li>").append(taskLink(id)).append("</li>");
        }
        return layout("Search", viewer, "", "/search?q=" + url(query), b.append("</ul>").toString());
    }

    static String problem(String title, String message, Viewer viewer) {
        String body = "<h1>" + text(title) + "</h1><p class=\"problem\" id=\"problem\">" + text(message) + "</p><p><a href=\"/\">Overview</a></p>";
        return layout(title, viewer, "", "/", body);
    }

    // ---- bits -------------------------------------------------------------------------------------------------------

    private static String taskLink(String taskId) {
        return "<a class=\"task\" href=\"/tasks/" + text(url(taskId)) + "\">" + text(taskId) + "</a>";
    }

    private static String pager(String base, int offset, int limit, long total, int shown) {
        StringBuilder b = new StringBuilder("<nav class=\"pager\">");
        if (offset > 0) {
            b.append("<a id=\"previous\" href=\"").append(text(base)).append("offset=").append(Math.max(0, offset - limit)).append("\">← newer/earlier</a>");
        }
        b.append("<span>").append(shown == 0 ? 0 : offset + 1).append('–').append(offset + shown).append("</span>");
        if (shown == limit && (total < 0 || offset + shown < total)) {
            b.append("<a id=\"next\" href=\"").append(text(base)).append("offset=").append(offset + limit).append("\">more →</a>");
        }
        return b.append("</nav>").toString();
    }

    private static String cut(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= CELL_CHARS ? value : value.substring(0, CELL_CHARS) + "…";
    }

    static String duration(long ms) {
        if (ms < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}

package io.enrollflow.console;


import java.time.Instant;
import java.util.List;

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

    static String csrf(Viewer viewer, String back) {
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

    static String queue(WaitingView.Page<WaitingView.Waiting> page, Viewer viewer) {
        StringBuilder b = new StringBuilder("<h1>Queue</h1><section id=\"queue\" data-live><p><span id=\"queue-total\">")
                .append(page.total()).append("</span> waiting, oldest first.</p>");
        b.append("<div class=\"scroll\"><table><thead><tr><th>#</th><th>Task</th><th>Order</th><th>Payload</th></tr></thead><tbody>");
        for (WaitingView.Waiting w : page.items()) {
            b.append("<tr><td class=\"num\">").append(w.position()).append("</td><td>")
                    .append(w.taskId() == null ? "<em>no taskId</em>" : taskLink(w.taskId())).append("</td><td>")
                    .append(text(w.orderId())).append("</td><td class=\"payload\">").append(text(cut(w.payload()))).append("</td></tr>");
        }
        b.append("</tbody></table></div>").append(pager("/queue?", page.offset(), page.limit(), page.total(), page.items().size()))
                .append("</section>");
        return layout("Queue", viewer, "Queue", "/queue", b.toString());
    }

    static String retries(WaitingView.Page<WaitingView.Scheduled> page, Viewer viewer, String back, String notice) {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder(notice(notice)).append("<h1>Retry schedule</h1><section id=\"retries\" data-live><p><span id=\"retry-total\">")
                .append(page.total()).append("</span> scheduled, soonest first.</p>");
        b.append("<div class=\"scroll\"><table><thead><tr><th>Task</th><th>Due</th><th>Attempts</th><th>Stage</th><th>Reason</th><th>Message</th>")
                .append(viewer.mayAct() ? "<th></th>" : "").append("</tr></thead><tbody>");
        for (WaitingView.Scheduled s : page.items()) {
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

    static String taskLink(String taskId) {
        return "<a class=\"task\" href=\"/tasks/" + text(url(taskId)) + "\">" + text(taskId) + "</a>";
    }

    static String pager(String base, int offset, int limit, long total, int shown) {
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

    static String cut(String value) {
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

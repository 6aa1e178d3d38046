package io.enrollflow.console;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The console's smaller pages (sign-in, problem, instances, queue, retries, search) and what every page shares: the
 * frame ({@code layout.jte}: header, notice, footer), the pager, cell text and durations. Each page is a template under
 * {@code src/main/jte} with one typed parameter, its view; {@link PageOutput} renders it and does all the escaping.
 * Regions marked {@code data-live} are what console.js swaps in when it refreshes a page; action forms carry the
 * session's CSRF token and the page to come back to ({@code csrf.jte}).
 */
final class Pages {

    /** Characters of a message or payload shown in a table cell; the task page shows all of it. */
    private static final int CELL_CHARS = 160;

    private Pages() {
    }

    /** What every signed-in page needs from the session. */
    record Viewer(boolean mayAct, String csrf, String role) {
    }

    /** One entry of the header's navigation. */
    record Nav(String href, String label) {
    }

    /** The header's navigation, in order. */
    static final List<Nav> NAV = List.of(new Nav("/", "Overview"), new Nav("/instances", "Instances"),
            new Nav("/queue", "Queue"), new Nav("/retries", "Retries"), new Nav("/dead-letters", "Dead letters"));

    /**
     * What {@code layout.jte} draws around a page.
     *
     * @param viewer null on the pages shown without a session (no header, no live refresh)
     * @param active the {@link Nav} label marked as the current page ("" for none)
     * @param back   the page an action form comes back to
     * @param notice the success banner's text, one of {@link Notice}'s; null for none
     */
    record Frame(String title, Viewer viewer, String active, String back, String notice) {
    }

    /** The pager under a list: links to the pages before and after (null when there is none) and what is shown. */
    record Pager(String previous, long from, long to, String next) {
    }

    record SignInView(Frame frame, String problem, boolean readTokenSet) {
    }

    record ProblemView(Frame frame, String title, String message) {
    }

    record InstancesView(Frame frame, List<InstanceView> instances) {
    }

    record InstanceView(String id, boolean alive, String host, String started, String heartbeatAge, String concurrency,
                        String disk, boolean diskLow, List<RunView> runs) {
    }

    record RunView(String taskId, String status, String stage, String elapsed) {
    }

    record QueueView(Frame frame, long total, List<WaitingView.Waiting> items, Pager pager) {
    }

    record RetriesView(Frame frame, long total, List<RetryView> items, Pager pager) {
    }

    record RetryView(String taskId, String due, String in, String attempts, String stage, String reason, String message) {
    }

    record SearchView(Frame frame, String query, List<String> ids) {
    }

    // ---- pages --------------------------------------------------------------------------------------------------------

    static String signIn(String problem, boolean readTokenSet) {
        return PageOutput.render("signIn.jte", new SignInView(new Frame("Sign in", null, "", "/", null), problem, readTokenSet));
    }

    static String problem(String title, String message, Viewer viewer) {
        return PageOutput.render("problem.jte", new ProblemView(new Frame(title, viewer, "", "/", null), title, message));
    }

    static String instances(List<FleetView.Instance> instances, Viewer viewer) {
        List<InstanceView> views = instances.stream().map(instance -> {
            InstanceDetails d = instance.details();
            List<RunView> runs = instance.runs().stream().map(run -> new RunView(run.taskId(), run.status(), run.stage(),
                    run.elapsedMs() < 0 ? "?" : duration(run.elapsedMs()))).toList();
            return new InstanceView(instance.id(), instance.alive(), d == null ? "unknown" : d.host(),
                    d == null ? "unknown" : d.startedAt(),
                    instance.heartbeatAgeMs() < 0 ? "unknown" : duration(instance.heartbeatAgeMs()),
                    d == null ? "unknown" : String.valueOf(d.concurrency()),
                    d == null || d.diskFree() < 0 ? "unknown" : OverviewPage.bytes(d.diskFree()) + " free, "
                            + OverviewPage.bytes(d.diskMinFree()) + " needed to start a download",
                    d != null && d.diskLow(), runs);
        }).toList();
        return PageOutput.render("instances.jte", new InstancesView(new Frame("Instances", viewer, "Instances", "/instances", null), views));
    }

    static String queue(WaitingView.Page<WaitingView.Waiting> page, Viewer viewer) {
        return PageOutput.render("queue.jte", new QueueView(new Frame("Queue", viewer, "Queue", "/queue", null), page.total(),
                page.items(), pager("/queue?", page.offset(), page.limit(), page.total(), page.items().size())));
    }

    static String retries(WaitingView.Page<WaitingView.Scheduled> page, Viewer viewer, String back, String notice) {
        long now = System.currentTimeMillis();
        List<RetryView> rows = page.items().stream().map(s -> {
            long in = s.dueMs() - now;
            return new RetryView(s.taskId(), Instant.ofEpochMilli(s.dueMs()).toString(), in <= 0 ? "due" : "in " + duration(in),
                    s.status().get("attempts"), s.status().get("stage"), s.status().get("reason"), cut(s.status().get("message")));
        }).toList();
        return PageOutput.render("retries.jte", new RetriesView(new Frame("Retries", viewer, "Retries", back, notice), page.total(),
                rows, pager("/retries?", page.offset(), page.limit(), page.total(), page.items().size())));
    }

    static String searchResults(String query, List<String> ids, Viewer viewer) {
        return PageOutput.render("search.jte", new SearchView(new Frame("Search", viewer, "", "/search?q=" + Links.encode(query), null),
                query, ids));
    }

    // ---- bits ---------------------------------------------------------------------------------------------------------

    /** The pager of a list at {@code base} (which ends in {@code ?} or {@code &}). */
    static Pager pager(String base, int offset, int limit, long total, int shown) {
        String previous = offset > 0 ? base + "offset=" + Math.max(0, offset - limit) : null;
        String next = shown == limit && (total < 0 || offset + shown < total) ? base + "offset=" + (offset + limit) : null;
        return new Pager(previous, shown == 0 ? 0 : offset + 1, offset + shown, next);
    }

    static String cut(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= CELL_CHARS ? value : value.substring(0, CELL_CHARS) + "…";
    }

    static String duration(long ms) {
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
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

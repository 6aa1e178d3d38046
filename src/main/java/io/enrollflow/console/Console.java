package io.enrollflow.console;

import io.enrollflow.console.ConsoleSessions.Session;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.queue.IntakePause;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.TaskParser;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * The operators' console (docs/contract.md §11), mounted at {@code /} of the management server. One request in, one answer
 * out ({@link ConsoleRequest} → {@link ConsoleResponse}); {@link JdkHttpConsole} carries it on the JDK's server.
 * <ol>
 *   <li>sign-in ({@link SignIn}): the management token opens a session that may act, the read token one that looks
 *       only; the session cookie is HttpOnly, SameSite=Strict, with the session's lifetime
 *       ({@code enrollflow.console.session-timeout}); without a session only the sign-in page and the two static files
 *       answer;</li>
 *   <li>pages (GET) read Redis through {@link FleetView} and render from the templates in {@code src/main/jte}
 *       ({@link PageOutput}); console.js refreshes their live regions every few seconds;</li>
 *   <li>actions (POST, {@link ConsoleActions}) need a session that may act, the session's CSRF token in the form, and no cross-site Origin
 *       or {@code Sec-Fetch-Site}; then they go through the same services as the API and the CLI, and answer 303 back
 *       to the page they came from.</li>
 * </ol>
 * Every answer carries a strict Content-Security-Policy (scripts and styles from this server only, no inline script),
 * {@code nosniff}, no framing and no caching of pages.
 */
public final class Console {

    static final String COOKIE = "enrollflow_console";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 100;
    private static final int MAX_OFFSET = 10_000_000;

    private final byte[] css = resource("console.css");
    private final byte[] js = resource("console.js");
    private final SignIn signIn;
    private final ConsoleActions actions;
    private final FleetView view;
    private final WaitingView waiting;
    private final DeadLetterStore deadLetters;

    /**
     * @param token     enrollflow.management.token: signs in a session that may act (empty: no such sign-in)
     * @param readToken enrollflow.management.read-token: signs in a session that looks only (empty: none)
     */
    public Console(RedissonClient redis, RedisKeys keys, StatusStore status, DeadLetterStore deadLetters,
                   ReplayService replays, IntakePause pause, String token, String readToken, Duration sessionLifetime) {
        this.signIn = new SignIn(new ConsoleSessions(redis, keys, sessionLifetime), token, readToken);
        this.view = new FleetView(redis, keys, status, deadLetters);
        this.waiting = new WaitingView(redis, keys);
        this.actions = new ConsoleActions(signIn, waiting, replays, pause);
        this.deadLetters = deadLetters;
    }

    /** Answers one request; never throws for a request's sake (Redis down: 503). */
    public ConsoleResponse handle(ConsoleRequest request) {
        ConsoleResponse response;
        try {
            response = route(request);
        } catch (RedisException e) {
            // Redis unreachable: nothing changed that is not recorded; the page says so and the operator retries
            response = ConsoleResponse.html(503, Pages.problem("Redis is unreachable", "Try again in a moment.", null));
        }
        return response.with("Content-Security-Policy", CSP).with("X-Content-Type-Options", "nosniff")
                .with("X-Frame-Options", "DENY").with("Referrer-Policy", "same-origin")
                .with("Cache-Control", request.path().startsWith("/static/") ? "max-age=300" : "no-store");
    }

    private ConsoleResponse route(ConsoleRequest r) {
        String path = r.path();
        String method = r.method();
        boolean get = method.equals("GET") || method.equals("HEAD");
        switch (path) {
            case "/static/console.css" -> {
                return get ? ConsoleResponse.of(200, "text/css; charset=utf-8", css) : notAllowed();
            }
            case "/static/console.js" -> {
                return get ? ConsoleResponse.of(200, "text/javascript; charset=utf-8", js) : notAllowed();
            }
            case "/sign-in" -> {
                if (get) {
                    return signIn.session(r) != null ? ConsoleResponse.redirect("/") : signIn.page(200, null);
                }
                return method.equals("POST") ? signIn.signIn(r) : notAllowed();
            }
            default -> {
                // everything else needs a session
            }
        }
        Session session = signIn.session(r);
        if (session == null) {
            return get ? ConsoleResponse.redirect("/sign-in")
                    : ConsoleResponse.html(403, Pages.problem("Signed out", "Sign in again.", null));
        }
        Pages.Viewer viewer = new Pages.Viewer(session.mayAct(), session.csrf(),
                session.mayAct() ? "operator" : "read only");
        if (method.equals("POST")) {
            return actions.handle(r, session, viewer);
        }
        if (!get) {
            return notAllowed();
        }
        String notice = Notice.text(r.query("notice"), r.query("count"), r.query("missing"));
        if (path.startsWith("/tasks/")) {
            String taskId = path.substring("/tasks/".length());
            FleetView.TaskView task = validId(taskId) ? view.task(taskId) : null;
            if (task == null || !task.exists()) {
                return ConsoleResponse.html(404, Pages.problem("No such task", "No task " + taskId + ".", viewer));
            }
            return ConsoleResponse.html(200, TaskPage.task(task, viewer, Links.task(taskId), notice));
        }
        return switch (path) {
            case "/" -> ConsoleResponse.html(200, OverviewPage.overview(view.overview(), viewer, notice));
            case "/instances" -> ConsoleResponse.html(200, Pages.instances(view.instances(), viewer));
            case "/queue" -> ConsoleResponse.html(200, Pages.queue(waiting.queue(offset(r), limit(r)), viewer));
            case "/retries" -> ConsoleResponse.html(200, Pages.retries(waiting.retries(offset(r), limit(r)), viewer,
                    "/retries?offset=" + offset(r), notice));
            case "/dead-letters" -> deadLetterPage(r, viewer, notice);
            case "/dead-letters/confirm" -> confirmPage(r, viewer);
            case "/search" -> search(r, viewer);
            default -> ConsoleResponse.html(404, Pages.problem("Not found", "No such page.", viewer));
        };
    }

    // ---- pages with parameters ----------------------------------------------------------------------------------------

    private ConsoleResponse deadLetterPage(ConsoleRequest r, Pages.Viewer viewer, String notice) {
        DeadLetterFilter filter = filter(r.query("reason"), r.query("stage"), r.query("q"));
        if (filter == null) {
            return ConsoleResponse.html(400, Pages.problem("Unknown filter", "Pick a reason and stage from the lists.", viewer));
        }
        int offset = offset(r);
        String query = DeadLetterPages.filterQuery(filter);
        String back = "/dead-letters?" + query + (query.isEmpty() ? "" : "&") + "offset=" + offset;
        return ConsoleResponse.html(200, DeadLetterPages.deadLetters(deadLetters.page(filter, offset, limit(r)), filter, viewer, back, notice));
    }

    private ConsoleResponse confirmPage(ConsoleRequest r, Pages.Viewer viewer) {
        if (!viewer.mayAct()) {
            return ConsoleResponse.html(403, Pages.problem("Read only", "This session looks only.", viewer));
        }
        DeadLetterFilter filter = filter(r.query("reason"), r.query("stage"), r.query("q"));
        String action = "purge".equals(r.query("action")) ? "purge" : "replay";
        if (filter == null) {
            return ConsoleResponse.html(400, Pages.problem("Unknown filter", "Pick a reason and stage from the lists.", viewer));
        }
        return ConsoleResponse.html(200, DeadLetterPages.confirm(action, filter, deadLetters.count(filter), viewer));
    }

    private ConsoleResponse search(ConsoleRequest r, Pages.Viewer viewer) {
        String q = r.query("q") == null ? "" : r.query("q").trim();
        if (q.isEmpty() || q.length() > 200) {
            return ConsoleResponse.html(200, Pages.searchResults(q, List.of(), viewer));
        }
        List<String> found = view.search(q);
        if (found.size() == 1 && found.get(0).equals(q)) {
            return ConsoleResponse.redirect(Links.task(q));
        }
        return ConsoleResponse.html(200, Pages.searchResults(q, found, viewer));
    }

    /** A filter from request fields; null when a reason or stage names none. */
    static DeadLetterFilter filter(String reason, String stage, String text) {
        DeadLetterFilter filter = new DeadLetterFilter(reason, stage, text);
        boolean textTooLong = filter.text() != null && filter.text().length() > 200;
        return textTooLong || DeadLetterFilter.problem(filter.stage(), filter.reason()) != null ? null : filter;
    }

    static boolean validId(String id) {
        return id != null && TaskParser.TASK_ID.matcher(id).matches();
    }

    private static int offset(ConsoleRequest r) {
        return bounded(r.query("offset"), 0, 0, MAX_OFFSET);
    }

    private static int limit(ConsoleRequest r) {
        return bounded(r.query("limit"), DEFAULT_PAGE, 1, MAX_PAGE);
    }

    private static int bounded(String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(value.trim())));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static ConsoleResponse notAllowed() {
        return ConsoleResponse.text(405, "method not allowed");
    }

    private static byte[] resource(String name) {
        try (InputStream in = Console.class.getClassLoader().getResourceAsStream("enrollflow/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("enrollflow/console/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}

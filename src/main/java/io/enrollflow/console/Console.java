package io.enrollflow.console;

import io.enrollflow.console.ConsoleSessions.Role;
import io.enrollflow.console.ConsoleSessions.Session;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.management.IntakePause;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.TaskParser;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The operators' console (CONTRACT §11), mounted at {@code /} of the management server. One request in, one answer
 * out ({@link ConsoleRequest} → {@link ConsoleResponse}); {@link JdkHttpConsole} carries it on the JDK's server.
 * <ol>
 *   <li>sign-in: the management token opens a session that may act, the read token one that looks only; the session
 *       cookie is HttpOnly, SameSite=Strict, with the session's lifetime ({@code enrollflow.console.session-timeout});
 *       without a session only the sign-in page and the two static files answer;</li>
 *   <li>pages (GET) read Redis through {@link FleetView} and render with {@link Pages}; console.js refreshes their
 *       live regions every few seconds;</li>
 *   <li>actions (POST) need a session that may act, the session's CSRF token in the form, and no cross-site Origin
 *       or {@code Sec-Fetch-Site}; then they go through the same services as the API and the CLI, and answer 303 back
 *       to the page they came from.</li>
 * </ol>
 * Every answer carries a strict Content-Security-Policy (scripts and styles from this server only, no inline script),
 * {@code nosniff}, no framing and no caching of pages.
 */
public final class Console {

    static final String COOKIE = "enrollflow_console";
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 100;
    private static final int MAX_OFFSET = 10_000_000;

    private final byte[] css = resource("console.css");
    private final byte[] js = resource("console.js");
    private final String token;
    private final String readToken;
    private final ConsoleSessions sessions;
    private final FleetView view;
    private final DeadLetterStore deadLetters;
    private final ReplayService replays;
    private final IntakePause pause;

    /**
     * @param token     enrollflow.management.token: signs in a session that may act (empty: no such sign-in)
     * @param readToken enrollflow.management.read-token: signs in a session that looks only (empty: none)
     */
    public Console(RedissonClient redis, RedisKeys keys, StatusStore status, DeadLetterStore deadLetters,
                   ReplayService replays, IntakePause pause, String token, String readToken, Duration sessionLifetime) {
        this.token = token == null ? "" : token.trim();
        this.readToken = readToken == null ? "" : readToken.trim();
        this.sessions = new ConsoleSessions(redis, keys, sessionLifetime);
        this.view = new FleetView(redis, keys, status, deadLetters, pause);
        this.deadLetters = deadLetters;
        this.replays = replays;
        this.pause = pause;
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
                    return session(r) != null ? ConsoleResponse.redirect("/") : signInPage(200, null);
                }
                return method.equals("POST") ? signIn(r) : notAllowed();
            }
            default -> {
                // everything else needs a session
            }
        }
        Session session = session(r);
        if (session == null) {
            return get ? ConsoleResponse.redirect("/sign-in")
                    : ConsoleResponse.html(403, Pages.problem("Signed out", "Sign in again.", null));
        }
        Pages.Viewer viewer = new Pages.Viewer(session.mayAct(), session.csrf(),
                session.mayAct() ? "operator" : "read only");
        if (method.equals("POST")) {
            return action(r, session, viewer);
        }
        if (!get) {
            return notAllowed();
        }
        String notice = r.query("notice");
        if (path.startsWith("/tasks/")) {
            String taskId = path.substring("/tasks/".length());
            FleetView.TaskView task = validId(taskId) ? view.task(taskId) : null;
            if (task == null || !task.exists()) {
                return ConsoleResponse.html(404, Pages.problem("No such task", "No task " + taskId + ".", viewer));
            }
            return ConsoleResponse.html(200, Pages.task(task, viewer, "/tasks/" + Html.url(taskId), notice));
        }
        return switch (path) {
            case "/" -> ConsoleResponse.html(200, Pages.overview(view.overview(), viewer, notice));
            case "/instances" -> ConsoleResponse.html(200, Pages.instances(view.instances(), viewer));
            case "/queue" -> ConsoleResponse.html(200, Pages.queue(view.queue(offset(r), limit(r)), viewer));
            case "/retries" -> ConsoleResponse.html(200, Pages.retries(view.retries(offset(r), limit(r)), viewer,
                    "/retries?offset=" + offset(r), notice));
            case "/dead-letters" -> deadLetterPage(r, viewer, notice);
            case "/dead-letters/confirm" -> confirmPage(r, viewer);
            case "/search" -> search(r, viewer);
            default -> ConsoleResponse.html(404, Pages.problem("Not found", "No such page.", viewer));
        };
    }

    // ---- sign-in and sessions -----------------------------------------------------------------------------------------

    private Session session(ConsoleRequest r) {
        return sessions.find(r.cookies().get(COOKIE));
    }

    private ConsoleResponse signInPage(int status, String problem) {
        return ConsoleResponse.html(status, Pages.signIn(problem, !readToken.isEmpty()));
    }

    private ConsoleResponse signIn(ConsoleRequest r) {
        if (crossSite(r)) {
            return ConsoleResponse.html(403, Pages.problem("Refused", "A sign-in from another site is refused.", null));
        }
        String given = r.field("token");
        Role role = null;
        if (given != null && !token.isEmpty() && ConsoleSessions.same(token, given.trim())) {
            role = Role.OPERATOR;
        } else if (given != null && !readToken.isEmpty() && ConsoleSessions.same(readToken, given.trim())) {
            role = Role.VIEWER;
        }
        if (role == null) {
            LOG.warn("task=- stage=console outcome=sign-in-refused");
            return signInPage(401, token.isEmpty() && readToken.isEmpty()
                    ? "The console is closed: set enrollflow.management.token (or the read token) to open it."
                    : "That token is not valid.");
        }
        ConsoleSessions.Created created = sessions.create(role);
        LOG.info("task=- stage=console outcome=signed-in role={}", role.name().toLowerCase(java.util.Locale.ROOT));
        return ConsoleResponse.redirect("/").with("Set-Cookie", cookie(r, created.cookie(), sessions.lifetime().toSeconds()));
    }

    /** The session cookie: HttpOnly, SameSite=Strict, Max-Age; Secure when the request came through TLS (an ingress). */
    private static String cookie(ConsoleRequest r, String value, long maxAgeSeconds) {
        boolean tls = "https".equalsIgnoreCase(r.header("x-forwarded-proto"));
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    // ---- actions ----------------------------------------------------------------------------------------------------

    private ConsoleResponse action(ConsoleRequest r, Session session, Pages.Viewer viewer) {
        if (crossSite(r) || !ConsoleSessions.same(session.csrf(), r.field("csrf"))) {
            LOG.warn("task=- stage=console outcome=refused-cross-site path={}", r.path());
            return ConsoleResponse.html(403, Pages.problem("Refused",
                    "This action did not come from a console page (cross-site request or a stale page): reload and try again.", viewer));
        }
        if (r.path().equals("/sign-out")) {
            sessions.end(r.cookies().get(COOKIE));
            return ConsoleResponse.redirect("/sign-in").with("Set-Cookie", cookie(r, "", 0));
        }
        if (!session.mayAct()) {
            return ConsoleResponse.html(403, Pages.problem("Read only", "This session looks only: sign in with the management token to act.", viewer));
        }
        String back = back(r.field("back"));
        return switch (r.path()) {
            case "/actions/pause" -> done(back, "Intake " + pause.pause().word());
            case "/actions/resume" -> done(back, "Intake " + pause.resume().word());
            case "/actions/run-now" -> {
                String id = r.field("id");
                boolean moved = validId(id) && view.runNow(id);
                if (moved) {
                    LOG.info("task={} stage=console outcome=retry-due-now", id);
                }
                yield done(back, moved ? "Task " + id + " is due now: it goes back on the queue within a second."
                        : "Task " + id + " is no longer scheduled.");
            }
            case "/actions/dead-letters" -> {
                List<String> ids = r.fields("id").stream().filter(Console::validRecordId).toList();
                if (ids.isEmpty()) {
                    yield done(back, "Nothing selected.");
                }
                boolean purge = "purge".equals(r.field("action"));
                ReplayService.Outcome outcome = purge ? replays.purge(ids) : replays.replay(ids);
                yield done(back, (purge ? "Purged " : "Replayed ") + outcome.done().size()
                        + (outcome.unknown().isEmpty() ? "." : "; " + outcome.unknown().size() + " had no record any more."));
            }
            case "/actions/dead-letters/matching" -> {
                DeadLetterFilter filter = filter(r.field("reason"), r.field("stage"), r.field("q"));
                if (filter == null) {
                    yield ConsoleResponse.html(400, Pages.problem("Unknown filter", "Pick a reason and stage from the lists.", viewer));
                }
                boolean purge = "purge".equals(r.field("action"));
                long count = purge ? replays.purgeMatching(filter) : replays.replayMatching(filter);
                LOG.info("task=- stage=console outcome={} count={} filter=\"{}\"", purge ? "purged-matching" : "replayed-matching",
                        count, Pages.describe(filter).replace('"', '\''));
                yield done("/dead-letters", (purge ? "Purged " : "Replayed ") + count + " dead letters matching " + Pages.describe(filter) + ".");
            }
            default -> ConsoleResponse.html(404, Pages.problem("Not found", "No such action.", viewer));
        };
    }

    /** 303 to the page the action came from, with what was done as its notice. */
    private static ConsoleResponse done(String back, String notice) {
        String target = back.replaceAll("([?&])notice=[^&]*&?", "$1");
        target = target.endsWith("?") || target.endsWith("&") ? target.substring(0, target.length() - 1) : target;
        return ConsoleResponse.redirect(target + (target.contains("?") ? "&" : "?") + "notice=" + Html.url(notice));
    }

    /** Where to go after an action: a path on this server, never another site (//host, \, scheme). */
    static String back(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.contains("\\") || back.length() > 2000
                || back.chars().anyMatch(c -> c < 0x20)) {
            return "/";
        }
        return back;
    }

    /**
     * A request that did not come from this server's own pages: a browser's {@code Sec-Fetch-Site} other than
     * same-origin (another port of the same host is "same-site", and still another origin), else an Origin that is not
     * this server's. Requests with neither (curl, old browsers) still need the session's CSRF token.
     */
    static boolean crossSite(ConsoleRequest r) {
        String site = r.header("sec-fetch-site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = r.header("origin");
        if (origin == null) {
            return false;
        }
        String host = r.header("host");
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority == null || host == null || !authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    // ---- pages with parameters ----------------------------------------------------------------------------------------

    private ConsoleResponse deadLetterPage(ConsoleRequest r, Pages.Viewer viewer, String notice) {
        DeadLetterFilter filter = filter(r.query("reason"), r.query("stage"), r.query("q"));
        if (filter == null) {
            return ConsoleResponse.html(400, Pages.problem("Unknown filter", "Pick a reason and stage from the lists.", viewer));
        }
        int offset = offset(r);
        String query = Pages.filterQuery(filter);
        String back = "/dead-letters?" + query + (query.isEmpty() ? "" : "&") + "offset=" + offset;
        return ConsoleResponse.html(200, Pages.deadLetters(deadLetters.page(filter, offset, limit(r)), filter, viewer, back, notice));
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
        return ConsoleResponse.html(200, Pages.confirm(action, filter, deadLetters.count(filter), viewer));
    }

    private ConsoleResponse search(ConsoleRequest r, Pages.Viewer viewer) {
        String q = r.query("q") == null ? "" : r.query("q").trim();
        if (q.isEmpty() || q.length() > 200) {
            return ConsoleResponse.html(200, Pages.searchResults(q, List.of(), viewer));
        }
        List<String> found = view.search(q);
        if (found.size() == 1 && found.get(0).equals(q)) {
            return ConsoleResponse.redirect("/tasks/" + Html.url(q));
        }
        return ConsoleResponse.html(200, Pages.searchResults(q, found, viewer));
    }

    /** A filter from request fields; null when a reason or stage names none. */
    private static DeadLetterFilter filter(String reason, String stage, String text) {
        DeadLetterFilter filter = new DeadLetterFilter(reason, stage, text);
        boolean textTooLong = filter.text() != null && filter.text().length() > 200;
        return textTooLong || DeadLetterFilter.problem(filter.stage(), filter.reason()) != null ? null : filter;
    }

    private static boolean validId(String id) {
        return id != null && TaskParser.TASK_ID.matcher(id).matches();
    }

    /** A dead letter's key: a task id, or invalid-<n> (which the task id rule also admits). */
    private static boolean validRecordId(String id) {
        return validId(id);
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

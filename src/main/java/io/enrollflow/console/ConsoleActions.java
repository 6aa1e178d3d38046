package io.enrollflow.console;

import io.enrollflow.console.ConsoleSessions.Session;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.logging.Event;
import io.enrollflow.queue.IntakePause;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.List;

/**
 * The console's actions (POST): pause and resume intake, run a scheduled retry now, replay or purge selected dead
 * letters or every one that matches a filter. Each needs a session that may act, the session's CSRF token in the form
 * and no cross-site signal; then it goes through the same services as the API and the CLI and answers 303 back to the
 * page it came from, with what was done as the page's notice (a {@link Notice} key).
 */
final class ConsoleActions {

    private static final Logger LOG = LogManager.getLogger(ConsoleActions.class);

    private final SignIn signIn;
    private final WaitingView waiting;
    private final ReplayService replays;
    private final IntakePause pause;

    ConsoleActions(SignIn signIn, WaitingView waiting, ReplayService replays, IntakePause pause) {
        this.signIn = signIn;
        this.waiting = waiting;
        this.replays = replays;
        this.pause = pause;
    }

    ConsoleResponse handle(ConsoleRequest r, Session session, Pages.Viewer viewer) {
        if (SignIn.crossSite(r) || !ConsoleSessions.same(session.csrf(), r.field("csrf"))) {
            Event.warn(LOG).stage("console").outcome("refused-cross-site").kv("path", r.path()).log();
            return ConsoleResponse.html(403, Pages.problem("Refused",
                    "This action did not come from a console page (cross-site request or a stale page): reload and try again.", viewer));
        }
        if (r.path().equals("/sign-out")) {
            return signIn.signOut(r);
        }
        if (!session.mayAct()) {
            return ConsoleResponse.html(403, Pages.problem("Read only", "This session looks only: sign in with the management token to act.", viewer));
        }
        String back = back(r.field("back"));
        return switch (r.path()) {
            case "/actions/pause" -> done(back, pause.pause().paused() ? Notice.PAUSED : Notice.RESUMED, 0, 0);
            case "/actions/resume" -> done(back, pause.resume().paused() ? Notice.PAUSED : Notice.RESUMED, 0, 0);
            case "/actions/run-now" -> {
                String id = r.field("id");
                boolean moved = Console.validId(id) && waiting.runNow(id);
                if (moved) {
                    Event.info(LOG).task(id).stage("console").outcome("retry-due-now").log();
                }
                yield done(back, moved ? Notice.DUE_NOW : Notice.NOT_SCHEDULED, 0, 0);
            }
            case "/actions/dead-letters" -> {
                List<String> ids = r.fields("id").stream().filter(ConsoleActions::validRecordId).toList();
                if (ids.isEmpty()) {
                    yield done(back, Notice.NOTHING_SELECTED, 0, 0);
                }
                boolean purge = "purge".equals(r.field("action"));
                ReplayService.Outcome outcome = purge ? replays.purge(ids) : replays.replay(ids);
                yield done(back, purge ? Notice.PURGED : Notice.REPLAYED, outcome.done().size(), outcome.unknown().size());
            }
            case "/actions/dead-letters/matching" -> {
                DeadLetterFilter filter = Console.filter(r.field("reason"), r.field("stage"), r.field("q"));
                if (filter == null) {
                    yield ConsoleResponse.html(400, Pages.problem("Unknown filter", "Pick a reason and stage from the lists.", viewer));
                }
                boolean purge = "purge".equals(r.field("action"));
                long count = purge ? replays.purgeMatching(filter) : replays.replayMatching(filter);
                Event.info(LOG).stage("console").outcome(purge ? "purged-matching" : "replayed-matching")
                        .kv("count", count)
                        .kv("filter", DeadLetterPages.describe(filter)).log();
                yield done("/dead-letters", purge ? Notice.PURGED_MATCHING : Notice.REPLAYED_MATCHING, count, 0);
            }
            default -> ConsoleResponse.html(404, Pages.problem("Not found", "No such action.", viewer));
        };
    }

    /**
     * 303 to the page the action came from, naming what was done by its {@link Notice} key (and counts), never by
     * text: the notice parameters the page already had are replaced.
     */
    private static ConsoleResponse done(String back, Notice notice, long count, long missing) {
        String target = back.replaceAll("([?&])(notice|count|missing)=[^&]*", "$1").replaceAll("&{2,}", "&").replace("?&", "?");
        target = target.endsWith("?") || target.endsWith("&") ? target.substring(0, target.length() - 1) : target;
        String query = "notice=" + notice.key() + (notice.counts() ? "&count=" + count + (missing > 0 ? "&missing=" + missing : "") : "");
        return ConsoleResponse.redirect(target + (target.contains("?") ? "&" : "?") + query);
    }

    /** Where to go after an action: a path on this server, never another site (//host, \, scheme). */
    static String back(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.contains("\\") || back.length() > 2000
                || back.chars().anyMatch(c -> c < 0x20)) {
            return "/";
        }
        return back;
    }

    /** A dead letter's key: a task id, or invalid-<n> (which the task id rule also admits). */
    private static boolean validRecordId(String id) {
        return Console.validId(id);
    }
}

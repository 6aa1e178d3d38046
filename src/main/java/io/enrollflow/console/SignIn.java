package io.enrollflow.console;

import io.enrollflow.console.ConsoleSessions.Role;
import io.enrollflow.console.ConsoleSessions.Session;
import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.URI;

/**
 * The console's door: the sign-in page and form (the management token opens a session that may act, the read token
 * one that looks only), the session cookie (HttpOnly, SameSite=Strict, the session's lifetime; Secure behind TLS),
 * the session a request carries, and the cross-site check every form post passes first.
 */
final class SignIn {

    private static final Logger LOG = LogManager.getLogger(SignIn.class);

    private final ConsoleSessions sessions;
    private final String token;
    private final String readToken;

    /**
     * @param token     enrollflow.management.token: signs in a session that may act (empty: no such sign-in)
     * @param readToken enrollflow.management.read-token: signs in a session that looks only (empty: none)
     */
    SignIn(ConsoleSessions sessions, String token, String readToken) {
        this.sessions = sessions;
        this.token = token == null ? "" : token.trim();
        this.readToken = readToken == null ? "" : readToken.trim();
    }

    Session session(ConsoleRequest r) {
        return sessions.find(r.cookies().get(Console.COOKIE));
    }

    ConsoleResponse page(int status, String problem) {
        return ConsoleResponse.html(status, Pages.signIn(problem, !readToken.isEmpty()));
    }

    ConsoleResponse signIn(ConsoleRequest r) {
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
            Event.warn(LOG).stage("console").outcome("sign-in-refused").log();
            return page(401, token.isEmpty() && readToken.isEmpty()
                    ? "The console is closed: set enrollflow.management.token (or the read token) to open it."
                    : "That token is not valid.");
        }
        ConsoleSessions.Created created = sessions.create(role);
        Event.info(LOG).stage("console").outcome("signed-in").kv("role", role.name().toLowerCase(java.util.Locale.ROOT))
                .log();
        return ConsoleResponse.redirect("/").with("Set-Cookie", cookie(r, created.cookie(), sessions.lifetime().toSeconds()));
    }

    /** The session cookie: HttpOnly, SameSite=Strict, Max-Age; Secure when the request came through TLS (an ingress). */
    /** Ends the request's session; the answer clears its cookie. */
    ConsoleResponse signOut(ConsoleRequest r) {
        sessions.end(r.cookies().get(Console.COOKIE));
        return ConsoleResponse.redirect("/sign-in").with("Set-Cookie", cookie(r, "", 0));
    }

    private static String cookie(ConsoleRequest r, String value, long maxAgeSeconds) {
        boolean tls = "https".equalsIgnoreCase(r.header("x-forwarded-proto"));
        return Console.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
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
}

package io.enrollflow.console;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.testing.ConsoleClient;
import io.enrollflow.testing.ConsoleClient.Page;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A console session lives only as long as the token that opened it (docs/contract.md §10), on the built jar
 * ({@code java -jar target/enrollflow.jar run}, settings from the environment): signed in, then restarted with the
 * token rotated, the read token unset, or both tokens emptied, the old cookies load no page and act on nothing, even
 * with their CSRF token. And every session of the fleet can be ended at once, from the CLI and from the console.
 */
class ConsoleSessionsIT {

    private static final String TOKEN = "9b2f6c1e8a4d7035e1c9b8a2f4d6e0c3";
    private static final String ROTATED = "4e7a1c9f3b8d2065a7e3c1f9b5d8e2a4";
    private static final String READ_TOKEN = "c3e8a1f7d2b9460e8c5a3f1d7b9e2c06";
    private static final String PAUSED = RedisKeys.defaults().intakePaused();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @TempDir
    Path dir;

    private final int port = BundledRedis.freePort();
    private final ConsoleClient console = new ConsoleClient(port);
    private EnrollflowJar.Running running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    /** Starts the jar with these tokens (empty: unset) and waits until it is ready; stops the one before. */
    private void run(String token, String readToken) {
        stop();
        running = EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "true")
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(port))
                .env("ENROLLFLOW_MANAGEMENT_TOKEN", token)
                .env("ENROLLFLOW_MANAGEMENT_READ_TOKEN", readToken)
                .logTo(dir.resolve("enrollflow-" + System.nanoTime() + ".log"))
                .start("run");
        Http http = new Http(port);
        Pipeline.await(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> http.get("/observe/health/ready").status() == 200);
    }

    private Page pause(String cookie, String csrf) {
        return console.post("/actions/pause", cookie, Map.of("csrf", csrf, "back", "/"));
    }

    private Page resume(String cookie, String csrf) {
        return console.post("/actions/resume", cookie, Map.of("csrf", csrf, "back", "/"));
    }

    private void assertSignedOut(String cookie, String what) {
        Page page = console.get("/", cookie);
        assertEquals(303, page.status(), what + ": " + page);
        assertEquals("/sign-in", page.location(), what);
        assertEquals(303, console.get("/dead-letters", cookie).status(), what);
    }

    @Test
    void afterTheTokenIsRotatedAndTheReadTokenUnsetTheOldCookiesLoadNoPageAndCannotPause() {
        run(TOKEN, READ_TOKEN);
        String operator = console.session(TOKEN);
        String viewer = console.session(READ_TOKEN);
        String csrf = console.csrf(operator);
        assertNotNull(csrf, "the operator's page carries its CSRF token");
        assertEquals(200, console.get("/", operator).status());
        assertEquals(200, console.get("/", viewer).status());
        assertEquals(303, pause(operator, csrf).status(), "the session acts while its token holds");
        assertEquals(303, resume(operator, csrf).status());

        run(ROTATED, "");

        assertSignedOut(operator, "operator cookie after rotation");
        assertSignedOut(viewer, "read cookie after the read token was unset");
        Page refused = pause(operator, csrf);
        assertEquals(403, refused.status(), refused.toString());
        assertFalse(redis.exists(PAUSED), "the old cookie paused nothing");
        // the rotated token opens a session that acts
        String fresh = console.session(ROTATED);
        assertEquals(303, pause(fresh, console.csrf(fresh)).status());
        assertTrue(redis.exists(PAUSED));
    }

    @Test
    void withBothTokensEmptiedAnOldOperatorCookieCannotPauseOrResume() {
        run(TOKEN, READ_TOKEN);
        String operator = console.session(TOKEN);
        String csrf = console.csrf(operator);

        run("", "");

        assertSignedOut(operator, "operator cookie with the API closed");
        assertEquals(403, pause(operator, csrf).status());
        assertFalse(redis.exists(PAUSED), "the old cookie paused nothing");
        redis.client().getBucket(PAUSED, org.redisson.client.codec.StringCodec.INSTANCE).set("2026-01-01T00:00:00Z");
        assertEquals(403, resume(operator, csrf).status());
        assertTrue(redis.exists(PAUSED), "the old cookie resumed nothing");
        assertEquals(401, console.signIn(TOKEN).status(), "the old token opens no new session either");
    }

    @Test
    void endSessionsFromTheCliSignsEveryoneOutOnEveryInstance() {
        run(TOKEN, READ_TOKEN);
        String operator = console.session(TOKEN);
        String viewer = console.session(READ_TOKEN);
        assertEquals(200, console.get("/", operator).status());

        EnrollflowJar.Result ended = EnrollflowJar.in(dir).env("ENROLLFLOW_REDIS_URL", redis.url())
                .run("console", "end-sessions");

        assertEquals(0, ended.exitCode(), ended.toString());
        assertTrue(ended.stdout().contains("every console session is ended"), ended.toString());
        assertSignedOut(operator, "operator cookie after end-sessions");
        assertSignedOut(viewer, "read cookie after end-sessions");
        String again = console.session(TOKEN);
        assertEquals(200, console.get("/", again).status(), "signing in again works");
    }

    @Test
    void endEverySessionFromTheConsoleNeedsTheCsrfTokenAndSignsEveryoneOut() {
        run(TOKEN, READ_TOKEN);
        String operator = console.session(TOKEN);
        String other = console.session(TOKEN);
        String viewer = console.session(READ_TOKEN);
        String csrf = console.csrf(operator);

        assertEquals(403, console.post("/sessions/end", operator, Map.of()).status(), "no CSRF token");
        String viewerCsrf = console.csrf(viewer);
        assertNotNull(viewerCsrf, "a read session's page carries its CSRF token (its sign-out form)");
        assertEquals(403, console.post("/sessions/end", viewer, Map.of("csrf", viewerCsrf)).status(),
                "a session that looks cannot end others");
        assertEquals(200, console.get("/", other).status(), "nothing was ended yet");

        Page ended = console.post("/sessions/end", operator, Map.of("csrf", csrf));

        assertEquals(303, ended.status(), ended.toString());
        assertEquals("/sign-in", ended.location());
        assertNull(ended.cookie(), "the answer clears the cookie: " + ended.setCookie());
        assertSignedOut(operator, "the session that ended them all");
        assertSignedOut(other, "another operator's session");
        assertSignedOut(viewer, "a read session");
    }
}

package io.enrollflow.console;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.testing.Browser;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operators' console (docs/contract.md §11) in a real browser (Chromium when installed, HtmlUnit otherwise; see
 * {@link Browser}) against the real runtime, its management server and Redis. Each test signs in afresh (Redis is
 * emptied between tests, sessions with it). The tests that show a page also save its screenshot to docs/ (Chromium).
 */
class ConsoleIT {

    private static final String TOKEN = "console-operator-token-5b1e";
    private static final String READ_TOKEN = "console-read-token-93c4";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int PORT = BundledRedis.freePort();

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    @Order(2)
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @RegisterExtension
    @Order(3)
    static final Pipeline pipeline = Pipeline.perClass(redis, api)
            .set("enrollflow.management.port", Integer.toString(PORT))
            .set("enrollflow.management.token", TOKEN)
            .set("enrollflow.management.read-token", READ_TOKEN)
            // heartbeats every 400 ms: an emptied Redis shows the instance again at once
            .set("enrollflow.queue.recovery-timeout", "2s")
            // a transient failure waits an hour: the retry schedule holds it until "run now"
            .set("enrollflow.retry.initial-delay", "1h")
            .set("enrollflow.retry.max-delay", "2h")
            .set("enrollflow.download.timeout", "2m");
    @RegisterExtension
    @Order(4)
    static final Browser browser = new Browser();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        // a course URL with "not-enrolled" in it makes the download say so (a dead letter with a log tail; with "bidi"
        // too, the tail holds a right-to-left override); one with "held" waits until the file "gate" exists (tasks a
        // test holds in flight)
        pipeline.downloadCommand(pipeline.scripts().custom("console-download", ""
                + "case \"$2\" in *held*) while [ ! -f \"$SCRIPT_DIR/gate\" ]; do sleep 0.1; done ;; esac\n"
                + "case \"$2\" in *not-enrolled*)\n"
                + "  echo \"downloading $2\"\n  echo \"<b>log line with markup</b>\"\n"
                + "  case \"$2\" in *bidi*) printf 'saved invoice\\342\\200\\256gnp.exe\\n' ;; esac\n"
                + "  echo \"" + io.enrollflow.testing.DownloadScripts.NOT_ENROLLED_LINE + "\"\n  exit 1 ;;\nesac\n"
                + "mkdir -p \"$1/Module 1\"\nprintf 'welcome\\n' > \"$1/Module 1/intro.txt\"\n").command());
        pipeline.start();
    }

    @BeforeEach
    void signedOut() {
        WebDriver driver = browser.driver();
        driver.get(url("/sign-in"));
        driver.manage().deleteAllCookies();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + PORT + path;
    }

    private WebDriver driver() {
        return browser.driver();
    }

    private void open(String path) {
        driver().get(url(path));
    }

    private void signIn(String token) {
        open("/sign-in");
        driver().findElement(By.id("token")).sendKeys(token);
        driver().findElement(By.id("sign-in")).click();
        await().atMost(WAIT).until(() -> !driver().getCurrentUrl().endsWith("/sign-in")
                || !driver().findElements(By.id("problem")).isEmpty());
    }

    private String text(String id) {
        return driver().findElement(By.id(id)).getText();
    }

    private void awaitText(String id, String expected) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            List<WebElement> found = driver().findElements(By.id(id));
            return !found.isEmpty() && expected.equals(found.get(0).getText());
        });
    }

    private Tasks rejected(String message) {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.rejected(message));
        pipeline.push(task);
        pipeline.awaitFailed(task.taskId());
        return task;
    }

    private static Object script(WebDriver driver, String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    // ---- sign-in --------------------------------------------------------------------------------------------------

    @Test
    void withoutASessionOnlyTheSignInPageAnswersAndSignOutEndsTheSession() throws Exception {
        open("/dead-letters");
        assertTrue(driver().getCurrentUrl().endsWith("/sign-in"), driver().getCurrentUrl());
        browser.screenshot("console-sign-in");

        signIn("not-the-token");
        assertTrue(text("problem").contains("not valid"), text("problem"));

        signIn(TOKEN);
        assertEquals("operator", text("role"));
        assertNotNull(driver().findElement(By.id("queue-depth")));
        Cookie cookie = driver().manage().getCookieNamed("enrollflow_console");
        assertNotNull(cookie, "a session cookie");
        assertTrue(cookie.isHttpOnly(), "HttpOnly");
        assertTrue("Strict".equalsIgnoreCase(cookie.getSameSite()), cookie.getSameSite());
        assertNotNull(cookie.getExpiry(), "the cookie expires");
        assertEquals(null, script(driver(), "return document.cookie.indexOf('enrollflow_console') >= 0 ? 'visible' : null;"),
                "page script cannot read the session cookie");

        driver().findElement(By.id("sign-out")).click();
        await().atMost(WAIT).until(() -> driver().getCurrentUrl().endsWith("/sign-in"));
        open("/");
        assertTrue(driver().getCurrentUrl().endsWith("/sign-in"), "signed out: back to the sign-in page");
        // the old cookie is dead on the server too, not only forgotten by the browser
        HttpResponse<String> replayed = http.send(HttpRequest.newBuilder(URI.create(url("/")))
                .header("Cookie", "enrollflow_console=" + cookie.getValue()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, replayed.statusCode());
        assertEquals("/sign-in", replayed.headers().firstValue("Location").orElse(""));
    }

    @Test
    void theReadTokenSeesEverythingButCannotAct() throws Exception {
        Tasks task = rejected("course not found");
        signIn(READ_TOKEN);
        assertEquals("read only", text("role"));
        assertTrue(driver().findElements(By.id("pause")).isEmpty(), "no pause button");
        assertTrue(driver().findElements(By.id("end-sessions")).isEmpty(), "no end-every-session button");
        assertTrue(driver().findElements(By.cssSelector("form[action='/sessions/end']")).isEmpty(), "no end-every-session form");
        open("/dead-letters");
        assertTrue(driver().getPageSource().contains(task.taskId()), "the dead letter is listed");
        assertTrue(driver().findElements(By.cssSelector("input[name=id]")).isEmpty(), "nothing to select");
        assertTrue(driver().findElements(By.id("replay-selected")).isEmpty(), "no replay button");
        assertTrue(driver().findElements(By.id("replay-matching")).isEmpty(), "no replay-all link");
        open("/tasks/" + task.taskId());
        assertTrue(driver().findElements(By.id("replay-task")).isEmpty(), "no replay on the task page");

        // the action endpoints refuse this session even with its own CSRF token
        String csrf = driver().findElement(By.name("csrf")).getAttribute("value");
        String session = driver().manage().getCookieNamed("enrollflow_console").getValue();
        for (String[] action : new String[][] {{"/actions/pause", ""}, {"/actions/dead-letters", "&action=replay&id=" + task.taskId()},
                {"/actions/dead-letters/matching", "&action=purge&reason=enrollment_rejected"}}) {
            HttpResponse<String> answer = post(action[0], "csrf=" + csrf + action[1], session, null);
            assertEquals(403, answer.statusCode(), action[0]);
        }
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(url("/dead-letters/confirm?action=replay"))).header("Cookie",
                "enrollflow_console=" + session).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(0, redis.keys("enrollflow:intake:*").size(), "intake not paused");
        assertNotNull(pipeline.deadLetter(task.taskId()), "the dead letter is still there");

        // and the API: GET opens, actions are forbidden
        assertEquals(200, apiCall("GET", "/api/dead-letters/" + task.taskId(), READ_TOKEN).statusCode());
        assertEquals(403, apiCall("POST", "/api/intake/pause", READ_TOKEN).statusCode());
        assertEquals(403, apiCall("POST", "/api/dead-letters/" + task.taskId() + "/replay", READ_TOKEN).statusCode());
        assertEquals(401, apiCall("GET", "/api/dead-letters", "wrong").statusCode());
    }

    // ---- dead letters -------------------------------------------------------------------------------------------------

    @Test
    void replayingOneDeadLetterByClickingRunsItAgain() {
        Tasks task = rejected("course not found");
        Tasks other = rejected("course not found");
        signIn(TOKEN);
        open("/dead-letters");
        browser.screenshot("console-dead-letters");
        api.answer(task.courseUrl(), Answer.success());

        driver().findElement(By.cssSelector("input[name=id][value='" + task.taskId() + "']")).click();
        driver().findElement(By.id("replay-selected")).click();

        awaitText("notice", "Replayed 1.");
        pipeline.awaitCompleted(task.taskId());
        assertNotNull(pipeline.deadLetter(other.taskId()), "the one not selected stays");
    }

    @Test
    void replayingAllOfOneReasonByFilterAsksWithTheCountFirst() {
        Tasks one = rejected("course not found");
        Tasks two = rejected("course not found");
        Tasks three = rejected("course not found");
        Tasks invalid = aTask().without("courseUrl");
        pipeline.push(invalid);
        pipeline.awaitFailed(invalid.taskId());
        signIn(TOKEN);
        open("/dead-letters");
        new org.openqa.selenium.support.ui.Select(driver().findElement(By.id("filter-reason"))).selectByValue("enrollment_rejected");
        driver().findElement(By.id("filter")).click();
        awaitText("match-count", "3");

        driver().findElement(By.id("replay-matching")).click();
        await().atMost(WAIT).until(() -> !driver().findElements(By.id("confirm-text")).isEmpty());
        assertTrue(text("confirm-text").startsWith("Replay 3 dead letters that match reason enrollment_rejected"), text("confirm-text"));
        browser.screenshot("console-confirm");
        for (Tasks task : List.of(one, two, three)) {
            api.answer(task.courseUrl(), Answer.success());
        }
        driver().findElement(By.id("confirm")).click();

        await().atMost(WAIT).until(() -> !driver().findElements(By.id("notice")).isEmpty());
        assertTrue(text("notice").startsWith("Replayed 3 dead letters"), text("notice"));
        for (Tasks task : List.of(one, two, three)) {
            pipeline.awaitCompleted(task.taskId());
        }
        assertNotNull(pipeline.deadLetter(invalid.taskId()), "another reason is left alone");
    }

    @Test
    void purgingSelectedDeadLettersRemovesTheirRecordsAndKeepsTheStatusFailed() {
        Tasks task = rejected("course not found");
        Tasks kept = rejected("course not found");
        signIn(TOKEN);
        open("/dead-letters");
        driver().findElement(By.cssSelector("input[name=id][value='" + task.taskId() + "']")).click();
        driver().findElement(By.id("purge-selected")).click();

        awaitText("notice", "Purged 1.");
        assertNull(pipeline.deadLetter(task.taskId()));
        assertEquals("failed", pipeline.status(task.taskId()).get("status"));
        assertNotNull(pipeline.deadLetter(kept.taskId()));
        assertEquals("1", text("match-count"));
    }

    // ---- overview, pause, retries, instances, queue -----------------------------------------------------------------

    @Test
    void pauseAndResumeFromTheOverview() {
        signIn(TOKEN);
        assertEquals("running", text("intake-state"));
        driver().findElement(By.id("pause")).click();
        awaitText("intake-state", "paused");
        assertEquals(1, redis.keys("enrollflow:intake:paused").size(), "paused for the whole fleet");
        browser.screenshot("console-overview-paused");

        driver().findElement(By.id("resume")).click();
        awaitText("intake-state", "running");
        assertEquals(0, redis.keys("enrollflow:intake:paused").size());
    }

    @Test
    void theOverviewOffersTheOperatorAFormThatEndsEverySession() {
        signIn(TOKEN);
        WebElement form = driver().findElement(By.xpath("//button[@id='end-sessions']/ancestor::form"));
        assertEquals("End every session", driver().findElement(By.id("end-sessions")).getText());
        assertEquals("post", form.getAttribute("method"));
        assertTrue(form.getAttribute("action").endsWith("/sessions/end"), form.getAttribute("action"));
        String signOutCsrf = driver().findElement(By.xpath("//form[@action='/sign-out']//input[@name='csrf']")).getAttribute("value");
        assertEquals(signOutCsrf, form.findElement(By.name("csrf")).getAttribute("value"), "the session's CSRF token, as every action form");
    }

    @Test
    void aNoticeShowsOnlyTheFixedTextOfAKnownKey() {
        signIn(TOKEN);
        open("/?notice=" + java.net.URLEncoder.encode("Your account is locked: call +1 555 0100", StandardCharsets.UTF_8));
        assertNotNull(driver().findElement(By.id("queue-depth")));
        assertTrue(driver().findElements(By.id("notice")).isEmpty(), "an unknown key shows no banner");

        open("/?notice=paused");
        assertEquals("Intake paused", text("notice"));
        open("/dead-letters?notice=replayed&count=2&missing=1");
        assertEquals("Replayed 2; 1 had no record any more.", text("notice"));
        open("/dead-letters?notice=replayed&count=" + java.net.URLEncoder.encode("2 (call us)", StandardCharsets.UTF_8));
        assertTrue(driver().findElements(By.id("notice")).isEmpty(), "a count that is not a number shows no banner");
    }

    @Test
    void everyPageFitsAPhonesWidth() {
        rejected("course not found");
        signIn(TOKEN);
        // HtmlUnit lays nothing out: there only the viewport declaration is checked; Chromium measures the page
        browser.windowSize(390, 844);
        try {
            for (String path : List.of("/", "/instances", "/queue", "/retries", "/dead-letters")) {
                open(path);
                assertEquals(1, driver().findElements(By.cssSelector("meta[name=viewport][content*='width=device-width']")).size(), path);
                if (browser.chromium()) {
                    Object overflow = script(driver(), "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                    assertEquals(0L, ((Number) overflow).longValue(), path + " scrolls sideways on a phone");
                }
            }
            browser.screenshot("console-phone-dead-letters");
            open("/");
            browser.screenshot("console-phone-overview");
        } finally {
            browser.windowSize(1280, 900);
        }
    }

    @Test
    void pagesRefreshThemselvesAndShowATaskMoveWithoutAReload() {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.status(503, "{\"error\":\"maintenance\"}"));
        pipeline.push(task);
        pipeline.awaitStatus(task.taskId(), "retrying");
        signIn(TOKEN);
        open("/tasks/" + task.taskId());
        assertEquals("retrying", text("field-status"));
        script(driver(), "window.__sameDocument = 'yes';");

        api.answer(task.courseUrl(), Answer.success());
        redis.client().getScoredSortedSet("enrollflow:retries").add(0, task.taskId());

        awaitText("field-status", "completed");
        List<String> statuses = driver().findElements(By.cssSelector("#timeline .status")).stream().map(WebElement::getText).toList();
        assertEquals("completed", statuses.get(statuses.size() - 1), statuses.toString());
        assertEquals("yes", script(driver(), "return window.__sameDocument;"), "the page was not reloaded");

        open("/");
        assertEquals("1", text("completed-hour"), "the per-minute counter saw the completion");
        browser.screenshot("console-overview");
    }

    @Test
    void aScheduledRetryRunsNowOnRequest() {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.status(503, "{\"error\":\"maintenance\"}"));
        pipeline.push(task);
        pipeline.awaitStatus(task.taskId(), "retrying");
        signIn(TOKEN);
        open("/retries");
        assertEquals("1", text("retry-total"));
        browser.screenshot("console-retries");
        api.answer(task.courseUrl(), Answer.success());

        driver().findElement(By.cssSelector("button.run-now")).click();

        await().atMost(WAIT).until(() -> !driver().findElements(By.id("notice")).isEmpty());
        assertTrue(text("notice").contains("is due now"), text("notice"));
        pipeline.awaitCompleted(task.taskId());
    }

    @Test
    void theInstancesShowTheirTasksInHandAndTheQueueWhatWaitsOldestFirst() throws Exception {
        java.nio.file.Path gate = pipeline.scripts().dir().resolve("gate");
        java.nio.file.Files.deleteIfExists(gate);
        List<Tasks> held = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Tasks task = aTask();
            task.courseUrl("https://courses.example.com/course/held-" + task.taskId() + "/");
            pipeline.push(task);
            held.add(task);
        }
        for (Tasks task : held) {
            pipeline.awaitStatus(task.taskId(), "downloading");
        }
        // every worker slot (concurrency 3) is busy: these wait on the queue
        Tasks first = aTask().orderId("order-first");
        Tasks second = aTask().orderId("order-second");
        pipeline.push(first);
        pipeline.push(second);
        signIn(TOKEN);

        open("/queue");
        assertEquals("2", text("queue-total"));
        List<WebElement> rows = driver().findElements(By.cssSelector("#queue tbody tr"));
        assertTrue(rows.get(0).getText().contains(first.taskId()), "oldest first: " + rows.get(0).getText());
        assertTrue(rows.get(1).getText().contains(second.taskId()), rows.get(1).getText());
        browser.screenshot("console-queue");

        open("/instances");
        await().atMost(WAIT).ignoreExceptions().until(() -> text("instances").contains(pipeline.runtime().instanceId()));
        String page = text("instances");
        for (Tasks task : held) {
            assertTrue(page.contains(task.taskId()), "in flight: " + page);
        }
        assertTrue(page.contains("download"), "with its stage: " + page);
        assertTrue(page.contains("Concurrency\n3") || page.contains("Concurrency 3"), "the configured concurrency: " + page);
        browser.screenshot("console-instances");

        java.nio.file.Files.writeString(gate, "open");
        for (Tasks task : held) {
            pipeline.awaitCompleted(task.taskId());
        }
        pipeline.awaitCompleted(first.taskId());
        pipeline.awaitCompleted(second.taskId());
    }

    // ---- a task and search --------------------------------------------------------------------------------------------

    @Test
    void searchingAnOrderIdListsItsTasksAndATaskPageShowsItsTimeline() {
        Tasks one = aTask().orderId("order-4711");
        Tasks two = aTask().orderId("order-4711");
        pipeline.push(one);
        pipeline.push(two);
        pipeline.awaitCompleted(one.taskId());
        pipeline.awaitCompleted(two.taskId());
        signIn(TOKEN);

        driver().findElement(By.id("search")).sendKeys("order-4711");
        driver().findElement(By.cssSelector("form.search button")).click();
        await().atMost(WAIT).until(() -> !driver().findElements(By.id("results")).isEmpty());
        String results = text("results");
        assertTrue(results.contains(one.taskId()) && results.contains(two.taskId()), results);
        browser.screenshot("console-search");

        driver().findElement(By.linkText(one.taskId())).click();
        await().atMost(WAIT).until(() -> !driver().findElements(By.id("timeline")).isEmpty());
        List<String> statuses = driver().findElements(By.cssSelector("#timeline .status")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("processing", "enrolled", "downloading", "uploading", "completed"), statuses);
        assertEquals("completed", text("field-status"));
        assertTrue(text("field-deliveryUrl").startsWith("file:"), "the delivery link, as text for a folder delivery: "
                + text("field-deliveryUrl"));
        browser.screenshot("console-task");

        // a task id is found directly
        driver().findElement(By.id("search")).sendKeys(two.taskId());
        driver().findElement(By.cssSelector("form.search button")).click();
        await().atMost(WAIT).until(() -> driver().getCurrentUrl().endsWith("/tasks/" + two.taskId()));
    }

    @Test
    void aDeadLetterTaskPageShowsItsRecordAndTheDownloadsLogTail() {
        Tasks task = aTask();
        task.courseUrl("https://courses.example.com/course/not-enrolled-" + task.taskId() + "/");
        pipeline.push(task);
        pipeline.awaitFailed(task.taskId());
        signIn(TOKEN);
        open("/tasks/" + task.taskId());

        assertEquals("not_enrolled", text("dl-reason"));
        assertEquals("failed", text("field-status"));
        assertTrue(text("dl-log").contains("<b>log line with markup</b>"), "the log tail, as text: " + text("dl-log"));
        assertTrue(text("dl-payload").contains(task.taskId()));
        assertFalse(driver().findElements(By.id("replay-task")).isEmpty(), "the operator may replay from here");
        browser.screenshot("console-task-dead-letter");
    }

    // ---- text stays text --------------------------------------------------------------------------------------------------

    @Test
    void markupInATaskIsShownAsTextAndRunsNothing() {
        // an orderId may hold no '/' (docs/contract.md §2), so the <script> element travels in the API's message
        String orderId = "<img src=x onerror=\"window.__xss='order'\">\"><svg onload=\"window.__xss='svg'\">";
        String message = "<script>window.__xss='script'</script><img src=x onerror=\"window.__xss='img'\">\"><svg onload=window.__xss='svg2'>";
        Tasks task = aTask().orderId(orderId);
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.rejected(message));
        pipeline.push(task);
        pipeline.awaitFailed(task.taskId());
        signIn(TOKEN);

        for (String path : List.of("/tasks/" + task.taskId(), "/dead-letters", "/search?q=" + java.net.URLEncoder.encode(orderId, StandardCharsets.UTF_8))) {
            open(path);
            String page = driver().findElement(By.tagName("main")).getText();
            assertTrue(page.contains(orderId), path + " shows the orderId as text: " + page);
            if (!path.startsWith("/search")) {
                assertTrue(page.contains(message), path + " shows the message as text: " + page);
            }
            assertNull(script(driver(), "return window.__xss === undefined ? null : window.__xss;"), path + ": nothing ran");
            assertEquals(0L, script(driver(), "return document.querySelectorAll('main img, main svg, main script, [onerror], [onload]').length;"),
                    path + ": no element came from the task");
        }
        open("/tasks/" + task.taskId());
        assertEquals(orderId, text("field-orderId"));
        // a live refresh swaps the same text in: still nothing runs
        await().atMost(WAIT).ignoreExceptions().until(() -> text("refreshed").startsWith("live: updated"));
        assertEquals(orderId, text("field-orderId"));
        assertNull(script(driver(), "return window.__xss === undefined ? null : window.__xss;"), "nothing ran after a refresh");
        browser.screenshot("console-task-markup-as-text");
    }

    @Test
    void bidiControlsFromATaskTheApiAndTheLogAreShownAsEscapesAlsoAfterALiveRefresh() {
        String reversed = "invoice\u202egnp.exe";
        String shown = "invoice\\u202egnp.exe";
        Tasks task = aTask().with("note", reversed);
        task.courseUrl("https://courses.example.com/course/" + task.taskId() + "/");
        api.answer(task.courseUrl(), Answer.rejected("no seat for " + reversed));
        pipeline.push(task);
        pipeline.awaitFailed(task.taskId());
        Tasks logged = aTask();
        logged.courseUrl("https://courses.example.com/course/not-enrolled-bidi-" + logged.taskId() + "/");
        pipeline.push(logged);
        pipeline.awaitFailed(logged.taskId());
        signIn(TOKEN);

        open("/tasks/" + task.taskId());
        assertTrue(text("field-message").contains("no seat for " + shown), "the API's message: " + text("field-message"));
        assertTrue(text("dl-message").contains("no seat for " + shown), text("dl-message"));
        assertTrue(text("timeline").contains(shown), "the history: " + text("timeline"));
        assertTrue(text("dl-payload").contains(shown), "the task's own field: " + text("dl-payload"));
        assertEquals(-1L, script(driver(), "return document.body.textContent.indexOf('\\u202e');"), "no raw U+202E in the page");
        // a live refresh swaps the same escaped text in
        await().atMost(WAIT).ignoreExceptions().until(() -> text("refreshed").startsWith("live: updated"));
        assertTrue(text("field-message").contains("no seat for " + shown), "after a refresh: " + text("field-message"));
        assertEquals(-1L, script(driver(), "return document.body.textContent.indexOf('\\u202e');"), "none after a refresh");

        open("/dead-letters");
        assertTrue(text("dead-letters").contains("no seat for " + shown), text("dead-letters"));
        assertEquals(-1L, script(driver(), "return document.body.textContent.indexOf('\\u202e');"), "none in the list");

        open("/tasks/" + logged.taskId());
        assertTrue(text("dl-log").contains("saved invoice\\u202egnp.exe"), "the log tail: " + text("dl-log"));
        assertEquals(-1L, script(driver(), "return document.body.textContent.indexOf('\\u202e');"), "none in the log tail");
    }

    @Test
    void everyPageCarriesAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url("/sign-in"))).build(), HttpResponse.BodyHandlers.ofString());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), csp);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertFalse(page.body().contains("<script>"), "no inline script");
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing loaded from elsewhere");
    }

    // ---- cross-site requests ---------------------------------------------------------------------------------------------

    @Test
    void aCrossSitePostIsRefused() throws Exception {
        signIn(TOKEN);
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("<!DOCTYPE html><html><body><form method=\"post\" action=\"" + url("/actions/pause") + "\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"guessed\"><button id=\"go\" type=\"submit\">win a prize</button>"
                + "</form></body></html>").getBytes(StandardCharsets.UTF_8);
        evil.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        evil.start();
        try {
            driver().get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            driver().findElement(By.id("go")).click();
            await().atMost(WAIT).until(() -> driver().getCurrentUrl().startsWith(url("/")));
            await().atMost(WAIT).until(() -> driver().getPageSource().contains("Refused"));
        } finally {
            evil.stop(0);
        }
        assertEquals(0, redis.keys("enrollflow:intake:*").size(), "the cross-site POST changed nothing");

        // with the session cookie but without the page's CSRF token, or from another Origin: refused too
        String session = driver().manage().getCookieNamed("enrollflow_console").getValue();
        open("/");
        String csrf = driver().findElement(By.name("csrf")).getAttribute("value");
        assertEquals(403, post("/actions/pause", "csrf=wrong", session, null).statusCode());
        assertEquals(403, post("/actions/pause", "csrf=" + csrf, session, "http://evil.example").statusCode());
        assertEquals(0, redis.keys("enrollflow:intake:*").size());
        HttpResponse<String> same = post("/actions/pause", "csrf=" + csrf + "&back=/", session, "http://127.0.0.1:" + PORT);
        assertEquals(303, same.statusCode(), "the same request from the console's own page works");
        assertEquals(1, redis.keys("enrollflow:intake:paused").size());
        redis.client().getBucket("enrollflow:intake:paused").delete();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------------

    private HttpResponse<String> post(String path, String form, String session, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "enrollflow_console=" + session)
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> apiCall(String method, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}

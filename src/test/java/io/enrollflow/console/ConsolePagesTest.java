package io.enrollflow.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterPage;
import io.enrollflow.delivery.drive.FleetDriveSignIn;
import io.enrollflow.queue.IntakePause;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's escaping and request checks, without a server: what decides whether task text stays text. */
class ConsolePagesTest {

    private static final Pages.Viewer OPERATOR = new Pages.Viewer(true, "csrf-token", "operator");
    private static final Pages.Viewer READER = new Pages.Viewer(false, "csrf-token", "read only");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A file name that reads "invoiceexe.png" when its right-to-left override (U+202E) is obeyed. */
    private static final String REVERSED = "invoice\u202egnp.exe";
    private static final String SHOWN = "invoice\\u202egnp.exe";

    private static ConsoleRequest request(Map<String, String> headers) {
        return new ConsoleRequest("POST", "/actions/pause", Map.of(), headers, Map.of(), Map.of());
    }

    @Test
    void markupFromATaskIsEscapedForWhereItStandsInElementTextAndInAttributeValues() {
        String hostile = "<script>x</script>\"><svg onload='a'>&amp;";
        String page = DeadLetterPages.deadLetters(new DeadLetterPage(List.of(letter("t1", hostile, null)), 1, 0, 50),
                new DeadLetterFilter(null, null, hostile), OPERATOR, "/dead-letters", null);

        assertTrue(page.contains("<td>&lt;script&gt;x&lt;/script&gt;\"&gt;&lt;svg onload='a'&gt;&amp;amp;</td>"), "element text: " + page);
        assertTrue(page.contains("value=\"&lt;script>x&lt;/script>&#34;>&lt;svg onload=&#39;a&#39;>&amp;amp;\""), "attribute: " + page);
        assertFalse(page.contains("<script>x") || page.contains("<svg"), page);
    }

    @Test
    void aTaskPageShowsMarkupFromTheTaskAsTextAndLinksOnlyHttpUrls() {
        Map<String, String> status = new LinkedHashMap<>();
        status.put("status", "completed");
        status.put("orderId", "<img src=x onerror=alert(1)>");
        status.put("deliveryUrl", "javascript:alert(1)");
        String page = TaskPage.task(new FleetView.TaskView("t1", status, List.of(), null), OPERATOR, "/tasks/t1", null);
        assertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;"), page);
        assertFalse(page.contains("<img"), page);
        assertFalse(page.contains("href=\"javascript"), "a javascript: URL is not a link");

        status.put("deliveryUrl", "https://drive.google.com/drive/folders/abc?x=\"><b>");
        String linked = TaskPage.task(new FleetView.TaskView("t1", status, List.of(), null), OPERATOR, "/tasks/t1", null);
        assertTrue(linked.contains("href=\"https://drive.google.com/drive/folders/abc?x=&#34;>&lt;b>\""), linked);
        assertTrue(linked.contains("rel=\"noopener noreferrer\""), linked);
    }

    @Test
    void pagesLoadNoInlineScriptAndCarryTheCsrfTokenInEveryForm() {
        String page = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of("poison", 4L),
                new io.enrollflow.queue.IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 0, 0,
                null, null),
                OPERATOR, null);
        assertFalse(page.contains("<script>"), "only <script src>");
        assertTrue(page.contains("<script src=\"/static/console.js\" defer></script>"));
        int forms = page.split("<form method=\"post\"", -1).length - 1;
        int tokens = page.split("name=\"csrf\" value=\"csrf-token\"", -1).length - 1;
        assertEquals(3, forms, "pause, end every session and sign-out");
        assertEquals(forms, tokens, "every action form carries the token");
    }

    @Test
    void theOverviewShowsTheFleetWideLimits() {
        String page = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of(),
                new io.enrollflow.queue.IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 2, 2_500,
                null, null), OPERATOR, null);

        assertTrue(page.contains("id=\"download-permits\">2<"), page);
        assertTrue(page.contains("id=\"drive-pause\">paused, 3 s left<"), page);
        assertFalse(page.contains("drive-sign-in"), "no Drive sign-in card while the sign-in works");
    }

    @Test
    void theOverviewSaysWhenDriveRefusesTheFleetsSignInAndWhatToDo() {
        String page = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of(),
                new io.enrollflow.queue.IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 0, 0,
                new FleetDriveSignIn.Refusal("2026-12-06T05:00:00Z", "credentials revoked or expired — run enrollflow drive login"), null),
                OPERATOR, null);

        assertTrue(page.contains("id=\"drive-sign-in-detail\">credentials revoked or expired — run enrollflow drive login"
                + " (since 2026-12-06T05:00:00Z)<"), page);
    }

    @Test
    void theOverviewShowsTheFullestWorkDiskAndSaysWhenDownloadsWait() {
        FleetView.WorkDisk low = new FleetView.WorkDisk("worker-3", 3L << 30, 5L << 30);
        String waiting = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of(),
                new IntakePause.State(false, null), 2, new long[180], new long[180], 29_000_000L, 0, 0, null, low),
                OPERATOR, null);
        String fine = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of(),
                new IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 0, 0, null,
                new FleetView.WorkDisk("worker-3", 812L << 20, 100L << 20)), OPERATOR, null);

        assertTrue(waiting.contains("<span class=\"value bad\" id=\"work-disk-free\">3.0 GiB free<"), waiting);
        assertTrue(waiting.contains("id=\"work-disk-detail\">downloads wait on worker-3; a download needs 5.0 GiB free"
                + " to start<"), waiting);
        assertTrue(waiting.contains("Work disk (fullest)"), "two instances: the fullest disk is shown");
        assertTrue(fine.contains("<span class=\"value\" id=\"work-disk-free\">812 MiB free<"), fine);
        assertTrue(fine.contains(">on worker-3; a download needs 100 MiB free to start<"), fine);
        assertFalse(OverviewPage.overview(overview(), OPERATOR, null).contains("work-disk"), "no reading, no card");
    }

    @Test
    void anActionGoesBackOnlyToAPathOfThisServer() {
        assertEquals("/dead-letters?reason=poison", ConsoleActions.back("/dead-letters?reason=poison"));
        for (String elsewhere : new String[] {"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x", "", null, "/a\nb",
                "/a\u007fb", "/caf\u00e9", "/\u202eevil", "/a b"}) {
            assertEquals("/", ConsoleActions.back(elsewhere), String.valueOf(elsewhere));
        }
    }

    @Test
    void aRequestFromAnotherOriginOrSiteIsCrossSite() {
        assertTrue(SignIn.crossSite(request(Map.of("sec-fetch-site", "cross-site"))));
        assertTrue(SignIn.crossSite(request(Map.of("sec-fetch-site", "same-site"))), "another port of the same host");
        assertFalse(SignIn.crossSite(request(Map.of("sec-fetch-site", "same-origin", "origin", "http://127.0.0.1:8081",
                "host", "127.0.0.1:8081"))));
        assertTrue(SignIn.crossSite(request(Map.of("origin", "http://127.0.0.1:9999", "host", "127.0.0.1:8081"))));
        assertTrue(SignIn.crossSite(request(Map.of("origin", "null", "host", "127.0.0.1:8081"))));
        assertFalse(SignIn.crossSite(request(Map.of("origin", "https://console.example.com", "host", "console.example.com"))));
        assertFalse(SignIn.crossSite(request(Map.of("host", "127.0.0.1:8081"))), "no browser signal: the CSRF token decides");
    }

    @Test
    void formBodiesKeepEveryValueOfARepeatedField() {
        Map<String, List<String>> form = ConsoleRequest.parseUrlEncoded("id=t1&id=t2&action=replay&bad=%zz&q=a+b%20c");
        assertEquals(List.of("t1", "t2"), form.get("id"));
        assertEquals(List.of("a b c"), form.get("q"));
        assertFalse(form.containsKey("bad"), "a broken escape is dropped");
    }

    @Test
    void bidiControlsFromATaskAreShownAsEscapesOnItsPageNeverRaw() {
        Map<String, String> status = new LinkedHashMap<>();
        status.put("status", "failed");
        status.put("message", "enrollment rejected: " + REVERSED);
        status.put("note", "\u2066" + REVERSED + "\u2069\u200f\u061c");
        ObjectNode history = JSON.createObjectNode().put("at", "2026-12-06T05:00:00Z").put("status", "failed")
                .put("message", REVERSED);
        DeadLetter letter = letter("t1", "rejected " + REVERSED, "downloading\n" + REVERSED + "\nline\u2028two\u001b[2J");
        String page = TaskPage.task(new FleetView.TaskView("t1", status, List.of(history), letter), OPERATOR, "/tasks/t1", null);

        assertTrue(page.contains("<dd id=\"field-message\">enrollment rejected: " + SHOWN + "</dd>"), page);
        assertTrue(page.contains("<dd id=\"field-note\">\\u2066" + SHOWN + "\\u2069\\u200f\\u061c</dd>"), page);
        assertTrue(page.contains("<span>" + SHOWN + "</span>"), "the history's message: " + page);
        assertTrue(page.contains("<dd id=\"dl-message\">rejected " + SHOWN + "</dd>"), page);
        assertTrue(page.contains("<pre id=\"dl-log\">downloading\n" + SHOWN + "\nline\\u2028two\\x1b[2J</pre>"),
                "the log tail keeps its lines, nothing else invisible: " + page);
        assertTrue(page.contains(SHOWN.replace("invoice", "\"note\":\"invoice")), "the payload as received: " + page);
        for (char control : new char[] {'\u202e', '\u2066', '\u2069', '\u200f', '\u061c', '\u2028', '\u001b'}) {
            assertEquals(-1, page.indexOf(control), "no raw U+" + Integer.toHexString(control) + " in " + page);
        }
    }

    @Test
    void bidiControlsInAnAttributeValueAreShownAsEscapesToo() {
        String page = DeadLetterPages.deadLetters(new DeadLetterPage(List.of(), 0, 0, 50),
                new DeadLetterFilter(null, null, REVERSED), OPERATOR, "/dead-letters", null);

        assertTrue(page.contains("id=\"filter-text\" name=\"q\" type=\"search\" value=\"" + SHOWN + "\""), page);
        assertEquals(-1, page.indexOf('\u202e'), page);
    }

    @Test
    void aContentBlockInsideAnAttributeShowsBidiControlsAsEscapesToo() {
        gg.jte.output.StringOutput html = new gg.jte.output.StringOutput();
        PageOutput output = new PageOutput(html);
        output.setContext("a", "title");
        output.writeUserContent((gg.jte.Content) block -> block.writeUserContent(REVERSED + "\""));

        assertEquals(SHOWN + "&#34;", html.toString());
    }

    @Test
    void aNoticeIsAFixedTextNamedByItsKeyAndAnythingElseShowsNoBanner() {
        assertEquals("Intake paused", Notice.text("paused", null, null));
        assertEquals("Replayed 3.", Notice.text("replayed", "3", null));
        assertEquals("Purged 2; 1 had no record any more.", Notice.text("purged", "2", "1"));
        assertEquals("Replayed 3 dead letters matching the filter.", Notice.text("replayed-matching", "3", "0"));
        assertTrue(Notice.text("due-now", null, null).contains("is due now"));
        for (String[] refused : new String[][] {{"Your account is locked: call +1 555 0100", null}, {"", null}, {null, null},
                {"replayed", null}, {"replayed", "3 (call us)"}, {"replayed", "\uff15"}, {"purged", "1234567890"},
                {"Paused", null}}) {
            assertNull(Notice.text(refused[0], refused[1], null), String.join(" / ", String.valueOf(refused[0]), String.valueOf(refused[1])));
        }

        String shown = OverviewPage.overview(overview(), OPERATOR, Notice.text("resumed", null, null));
        assertTrue(shown.contains("<p class=\"notice\" id=\"notice\" role=\"status\">Intake running</p>"), shown);
        assertFalse(OverviewPage.overview(overview(), OPERATOR, null).contains("id=\"notice\""), "no key, no banner");
    }

    @Test
    void theOverviewOffersToEndEverySessionToTheOperatorOnly() {
        String operator = OverviewPage.overview(overview(), OPERATOR, null);
        assertTrue(operator.contains("<form method=\"post\" action=\"/sessions/end\"><input type=\"hidden\" name=\"csrf\" "
                + "value=\"csrf-token\"><input type=\"hidden\" name=\"back\" value=\"/\">"), operator);
        assertTrue(operator.contains("<button id=\"end-sessions\" class=\"danger\" type=\"submit\">End every session</button>"), operator);

        String reader = OverviewPage.overview(overview(), READER, null);
        assertFalse(reader.contains("/sessions/end") || reader.contains("end-sessions"), reader);
    }

    private static FleetView.Overview overview() {
        return new FleetView.Overview(1, 2, 3, 4, Map.of(), new IntakePause.State(false, null), 1, new long[180], new long[180],
                29_000_000L, 0, 0, null, null);
    }

    /** A dead letter as the store keeps it: the record, and the payload as received holding a {@code note}. */
    private static DeadLetter letter(String taskId, String message, String log) {
        ObjectNode json = JSON.createObjectNode().put("taskId", taskId).put("stage", "enroll").put("reason", "enrollment_rejected")
                .put("message", message).put("attempts", 1).put("replays", 0).put("firstFailedAt", "2026-12-06T05:00:00Z")
                .put("lastFailedAt", "2026-12-06T05:00:00Z");
        if (log != null) {
            json.put("log", log);
        }
        json.put("task", "{\"taskId\":\"" + taskId + "\",\"note\":\"" + REVERSED + "\"}");
        return new DeadLetter(json);
    }
}

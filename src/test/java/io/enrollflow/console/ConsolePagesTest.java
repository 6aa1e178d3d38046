package io.enrollflow.console;

import io.enrollflow.delivery.drive.FleetDriveSignIn;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's escaping and request checks, without a server: what decides whether task text stays text. */
class ConsolePagesTest {

    private static final Pages.Viewer OPERATOR = new Pages.Viewer(true, "csrf-token", "operator");

    private static ConsoleRequest request(Map<String, String> headers) {
        return new ConsoleRequest("POST", "/actions/pause", Map.of(), headers, Map.of(), Map.of());
    }

    @Test
    void textEscapesEveryCharacterThatCouldOpenMarkupOrLeaveAnAttribute() {
        assertEquals("&lt;script&gt;x&lt;/script&gt;&quot;&gt;&lt;svg onload=&#39;a&#39;&gt;&amp;amp;",
                Html.text("<script>x</script>\"><svg onload='a'>&amp;"));
        assertEquals("", Html.text(null));
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
        assertTrue(linked.contains("href=\"https://drive.google.com/drive/folders/abc?x=&quot;&gt;&lt;b&gt;\""), linked);
        assertTrue(linked.contains("rel=\"noopener noreferrer\""), linked);
    }

    @Test
    void pagesLoadNoInlineScriptAndCarryTheCsrfTokenInEveryForm() {
        String page = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of("poison", 4L),
                new io.enrollflow.queue.IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 0, 0,
                null),
                OPERATOR, null);
        assertFalse(page.contains("<script>"), "only <script src>");
        assertTrue(page.contains("<script src=\"/static/console.js\" defer></script>"));
        int forms = page.split("<form method=\"post\"", -1).length - 1;
        int tokens = page.split("name=\"csrf\" value=\"csrf-token\"", -1).length - 1;
        assertEquals(2, forms, "pause and sign-out");
        assertEquals(forms, tokens, "every action form carries the token");
    }

    @Test
    void theOverviewShowsTheFleetWideLimits() {
        String page = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of(),
                new io.enrollflow.queue.IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 2, 2_500,
                null), OPERATOR, null);

        assertTrue(page.contains("id=\"download-permits\">2<"), page);
        assertTrue(page.contains("id=\"drive-pause\">paused, 3 s left<"), page);
        assertFalse(page.contains("drive-sign-in"), "no Drive sign-in card while the sign-in works");
    }

    @Test
    void theOverviewSaysWhenDriveRefusesTheFleetsSignInAndWhatToDo() {
        String page = OverviewPage.overview(new FleetView.Overview(1, 2, 3, 4, Map.of(),
                new io.enrollflow.queue.IntakePause.State(false, null), 1, new long[180], new long[180], 29_000_000L, 0, 0,
                new FleetDriveSignIn.Refusal("2026-12-06T05:00:00Z", "credentials revoked or expired — run enrollflow drive login")),
                OPERATOR, null);

        assertTrue(page.contains("id=\"drive-sign-in-detail\">credentials revoked or expired — run enrollflow drive login"
                + " (since 2026-12-06T05:00:00Z)<"), page);
    }

    @Test
    void anActionGoesBackOnlyToAPathOfThisServer() {
        assertEquals("/dead-letters?reason=poison", ConsoleActions.back("/dead-letters?reason=poison"));
        for (String elsewhere : new String[] {"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x", "", null, "/a\nb"}) {
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
}

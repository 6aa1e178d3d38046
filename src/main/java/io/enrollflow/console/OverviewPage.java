package io.enrollflow.console;

import io.enrollflow.console.Pages.Viewer;

import java.time.Instant;
import java.util.Map;

import static io.enrollflow.console.Html.text;
import static io.enrollflow.console.Html.url;
import static io.enrollflow.console.Pages.csrf;
import static io.enrollflow.console.Pages.layout;
import static io.enrollflow.console.Pages.notice;

/**
 * The console's overview page: the fleet's numbers as cards (each a link to its page), intake with its pause or resume
 * button, the per-minute chart of completed and failed tasks (an inline SVG, no script), and dead letters by reason.
 */
final class OverviewPage {

    private OverviewPage() {
    }

    static String overview(FleetView.Overview o, Viewer viewer, String notice) {
        StringBuilder b = new StringBuilder();
        b.append(notice(notice)).append("<h1>Overview</h1><section id=\"overview-numbers\" data-live class=\"cards\">");
        card(b, "queue-depth", "Queue", o.queueDepth(), "/queue");
        card(b, "in-flight", "In flight", o.inFlight(), "/instances");
        card(b, "retry-size", "Retry schedule", o.retries(), "/retries");
        card(b, "dead-letter-count", "Dead letters", o.deadLetters(), "/dead-letters");
        card(b, "instance-count", "Instances", o.instances(), "/instances");
        b.append("<div class=\"card\"><span class=\"label\">Download permits in use</span><span class=\"value\" id=\"")
                .append("download-permits\">").append(o.downloadPermits()).append("</span></div>");
        b.append("<div class=\"card\"><span class=\"label\">Drive pause</span><span class=\"value\" id=\"drive-pause\">")
                .append(o.drivePauseMillis() > 0 ? "paused, " + (o.drivePauseMillis() + 999) / 1000 + " s left" : "none")
                .append("</span></div>");
        if (o.driveRefused() != null) {
            // only while it lasts: a fleet that signs in well has nothing to read here
            b.append("<div class=\"card\" id=\"drive-sign-in\"><span class=\"label\">Drive sign-in</span>")
                    .append("<span class=\"value bad\">refused</span><span class=\"since\" id=\"drive-sign-in-detail\">")
                    .append(text(o.driveRefused().detail())).append(" (since ").append(text(o.driveRefused().since()))
                    .append(")</span></div>");
        }
        b.append("<div class=\"card\"><span class=\"label\">Intake</span><span class=\"value\" id=\"intake-state\">")
                .append(o.intake().word()).append("</span>");
        if (o.intake().paused()) {
            b.append("<span class=\"since\">since ").append(text(o.intake().since())).append("</span>");
        }
        if (viewer.mayAct()) {
            String action = o.intake().paused() ? "resume" : "pause";
            b.append("<form method=\"post\" action=\"/actions/").append(action).append("\">").append(csrf(viewer, "/"))
                    .append("<button id=\"").append(action).append("\" type=\"submit\">")
                    .append(o.intake().paused() ? "Resume intake" : "Pause intake").append("</button></form>");
        }
        b.append("</div></section>");

        b.append("<section id=\"throughput\" data-live><h2>Tasks per minute, last ").append(FleetView.CHART_MINUTES / 60)
                .append(" hours (fleet)</h2>");
        long completedHour = 0;
        long failedHour = 0;
        long completedAll = 0;
        long failedAll = 0;
        long max = 1;
        int n = o.completedPerMinute().length;
        for (int i = 0; i < n; i++) {
            long c = o.completedPerMinute()[i];
            long f = o.failedPerMinute()[i];
            completedAll += c;
            failedAll += f;
            if (i >= n - 60) {
                completedHour += c;
                failedHour += f;
            }
            max = Math.max(max, c + f);
        }
        b.append("<p>Last hour: <strong id=\"completed-hour\">").append(completedHour).append("</strong> completed, <strong id=\"failed-hour\">")
                .append(failedHour).append("</strong> failed. Last ").append(n / 60).append(" hours: ").append(completedAll)
                .append(" completed, ").append(failedAll).append(" failed. Peak ").append(max == 1 && completedAll + failedAll == 0 ? 0 : max)
                .append(" a minute.</p>");
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(n).append(" 50\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
                .append("completed (green) and failed (red) tasks per minute\">");
        for (int i = 0; i < n; i++) {
            double c = 48.0 * o.completedPerMinute()[i] / max;
            double f = 48.0 * o.failedPerMinute()[i] / max;
            if (c > 0) {
                b.append("<rect class=\"ok\" x=\"").append(i).append("\" y=\"").append(fmt(50 - c)).append("\" width=\"0.85\" height=\"")
                        .append(fmt(c)).append("\"><title>").append(minuteLabel(o.lastMinute() - n + 1 + i)).append(": ")
                        .append(o.completedPerMinute()[i]).append(" completed</title></rect>");
            }
            if (f > 0) {
                b.append("<rect class=\"bad\" x=\"").append(i).append("\" y=\"").append(fmt(50 - c - f)).append("\" width=\"0.85\" height=\"")
                        .append(fmt(f)).append("\"><title>").append(minuteLabel(o.lastMinute() - n + 1 + i)).append(": ")
                        .append(o.failedPerMinute()[i]).append(" failed</title></rect>");
            }
        }
        b.append("</svg><p class=\"axis\"><span>").append(minuteLabel(o.lastMinute() - n + 1)).append("</span><span>")
                .append(minuteLabel(o.lastMinute())).append(" UTC</span></p></section>");

        b.append("<section id=\"by-reason\" data-live><h2>Dead letters by reason</h2><table><thead><tr><th>Reason</th><th class=\"num\">Records</th></tr></thead><tbody>");
        for (Map.Entry<String, Long> entry : o.deadLettersByReason().entrySet()) {
            b.append("<tr><td><a href=\"/dead-letters?reason=").append(url(entry.getKey())).append("\">").append(text(entry.getKey()))
                    .append("</a></td><td class=\"num\" id=\"reason-").append(text(entry.getKey())).append("\">").append(entry.getValue()).append("</td></tr>");
        }
        b.append("</tbody></table></section>");
        return layout("Overview", viewer, "Overview", "/", b.toString());
    }

    private static void card(StringBuilder b, String id, String label, long value, String href) {
        b.append("<a class=\"card\" href=\"").append(href).append("\"><span class=\"label\">").append(label)
                .append("</span><span class=\"value\" id=\"").append(id).append("\">").append(value).append("</span></a>");
    }

    private static String fmt(double value) {
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }

    private static String minuteLabel(long epochMinute) {
        return Instant.ofEpochSecond(epochMinute * 60).toString().substring(11, 16);
    }

}

package io.enrollflow.console;

import io.enrollflow.console.Pages.Frame;
import io.enrollflow.console.Pages.Viewer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console's overview page ({@code overview.jte}): the fleet's numbers as cards (each a link to its page), intake
 * with its pause or resume button, the per-minute chart of completed and failed tasks (an inline SVG, no script), dead
 * letters by reason, and for an operator the form that ends every console session.
 */
final class OverviewPage {

    private OverviewPage() {
    }

    /** The page's view: the numbers as read, and the chart drawn from them. */
    record View(Frame frame, FleetView.Overview numbers, Chart chart) {
    }

    /**
     * The chart: one minute per SVG unit across, 50 units high.
     *
     * @param peak the most tasks of one minute (0 when none)
     * @param from the first minute's label (HH:mm, UTC); {@code to} the last's
     */
    record Chart(int minutes, long completedHour, long failedHour, long completedAll, long failedAll, long peak,
                 List<Bar> bars, String from, String to) {

        int hours() {
            return minutes / 60;
        }
    }

    /** One bar: {@code ok} (completed) or {@code bad} (failed), with its hover title. */
    record Bar(String kind, int x, String y, String height, String title) {
    }

    static String overview(FleetView.Overview o, Viewer viewer, String notice) {
        return PageOutput.render("overview.jte", new View(new Frame("Overview", viewer, "Overview", "/", notice), o, chart(o)));
    }

    static Chart chart(FleetView.Overview o) {
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
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double c = 48.0 * o.completedPerMinute()[i] / max;
            double f = 48.0 * o.failedPerMinute()[i] / max;
            String minute = minuteLabel(o.lastMinute() - n + 1 + i);
            if (c > 0) {
                bars.add(new Bar("ok", i, fmt(50 - c), fmt(c), minute + ": " + o.completedPerMinute()[i] + " completed"));
            }
            if (f > 0) {
                bars.add(new Bar("bad", i, fmt(50 - c - f), fmt(f), minute + ": " + o.failedPerMinute()[i] + " failed"));
            }
        }
        long peak = max == 1 && completedAll + failedAll == 0 ? 0 : max;
        return new Chart(n, completedHour, failedHour, completedAll, failedAll, peak, bars,
                minuteLabel(o.lastMinute() - n + 1), minuteLabel(o.lastMinute()));
    }

    /** The drive-pause card's text. */
    static String drivePause(long millis) {
        return millis > 0 ? "paused, " + (millis + 999) / 1000 + " s left" : "none";
    }

    /** Bytes as an operator reads them: {@code 4.7 GiB}, {@code 812 MiB}. */
    static String bytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (unit == 0 || value >= 100 ? String.valueOf(Math.round(value))
                : String.format(Locale.ROOT, "%.1f", value)) + " " + units[unit];
    }

    /** The work-disk card's line under its figure: whose disk, and what downloads need. */
    static String diskDetail(FleetView.WorkDisk disk) {
        return (disk.low() ? "downloads wait on " : "on ") + disk.host() + "; a download needs "
                + bytes(disk.minFree()) + " free to start";
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String minuteLabel(long epochMinute) {
        return Instant.ofEpochSecond(epochMinute * 60).toString().substring(11, 16);
    }
}

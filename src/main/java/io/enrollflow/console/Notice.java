package io.enrollflow.console;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The success banner's texts. An action answers with a redirect that names its notice by key, with at most two counts
 * ({@code ?notice=replayed&count=3&missing=1}); the page shows the fixed text for that key. A link from elsewhere can
 * therefore show a known text with other numbers, never words of its own; an unknown key or a count that is not
 * 1–9 ASCII digits shows no banner.
 */
enum Notice {

    PAUSED("paused", "Intake paused"),
    RESUMED("resumed", "Intake running"),
    DUE_NOW("due-now", "The task is due now: it goes back on the queue within a second."),
    NOT_SCHEDULED("not-scheduled", "The task is no longer scheduled."),
    NOTHING_SELECTED("nothing-selected", "Nothing selected."),
    REPLAYED("replayed", "Replayed %s."),
    PURGED("purged", "Purged %s."),
    REPLAYED_MATCHING("replayed-matching", "Replayed %s dead letters matching the filter."),
    PURGED_MATCHING("purged-matching", "Purged %s dead letters matching the filter.");

    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");

    private final String key;
    private final String text;

    Notice(String key, String text) {
        this.key = key;
        this.text = text;
    }

    String key() {
        return key;
    }

    /** True when the text carries a count. */
    boolean counts() {
        return text.contains("%s");
    }

    /**
     * The banner's text for the request's {@code notice}, {@code count} and {@code missing} parameters; null (no banner)
     * for no key, an unknown one, or a count that is missing or not a small number. {@code missing} (records that were
     * gone) is added to a count's text when it is above zero.
     */
    static String text(String key, String count, String missing) {
        Notice notice = Arrays.stream(values()).filter(n -> n.key.equals(key)).findFirst().orElse(null);
        if (notice == null) {
            return null;
        }
        if (!notice.counts()) {
            return notice.text;
        }
        if (count == null || !COUNT.matcher(count).matches() || (missing != null && !COUNT.matcher(missing).matches())) {
            return null;
        }
        String done = String.format(Locale.ROOT, notice.text, Long.parseLong(count));
        long gone = missing == null ? 0 : Long.parseLong(missing);
        return gone == 0 ? done : done.substring(0, done.length() - 1) + "; " + gone + " had no record any more.";
    }
}

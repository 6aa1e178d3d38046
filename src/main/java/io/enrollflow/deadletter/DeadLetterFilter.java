package io.enrollflow.deadletter;

import java.util.Locale;

/**
 * Which dead letters: a null or blank field matches any. {@code text}: a case-insensitive substring of the record's
 * taskId, message or raw payload (which holds the orderId).
 */
public record DeadLetterFilter(String reason, String stage, String text) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null);

    public DeadLetterFilter {
        reason = blankToNull(reason);
        stage = blankToNull(stage);
        text = blankToNull(text);
    }

    /** True when the record's own fields must be read to decide (both reason and stage, or text). */
    boolean needsRecords() {
        return text != null || (reason != null && stage != null);
    }

    /** Whether this record matches (every field checked, so a stale index entry is caught too). */
    boolean matches(DeadLetter letter) {
        if (reason != null && !reason.equals(letter.reason())) {
            return false;
        }
        if (stage != null && !stage.equals(letter.stage())) {
            return false;
        }
        if (text == null) {
            return true;
        }
        String needle = text.toLowerCase(Locale.ROOT);
        return contains(letter.taskId(), needle) || contains(letter.message(), needle)
                || contains(letter.task().isTextual() ? letter.task().asText() : letter.task().toString(), needle);
    }

    private static boolean contains(String haystack, String lowerNeedle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

package io.enrollflow.deadletter;

import java.util.Locale;

/**
 * Which dead letters: a null or blank field matches any. {@code reason} and {@code stage} are words
 * ({@code enrollment_unavailable}, {@code download}) and pick an index, so they cost nothing extra; {@code text} is a
 * case-insensitive substring of the record's taskId, orderId, message or payload, found by reading records (see
 * {@link DeadLetterStore#page}).
 */
public record DeadLetterFilter(String reason, String stage, String text) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null);

    /** Blank fields become null, so that "any" has one spelling. */
    public DeadLetterFilter {
        reason = blankToNull(reason);
        stage = blankToNull(stage);
        text = blankToNull(text);
    }

    /** True when the filter names a text, which only reading the records can check. */
    public boolean hasText() {
        return text != null;
    }

    /** True when this record has the text (always, without one). */
    boolean matchesText(DeadLetter letter) {
        if (text == null) {
            return true;
        }
        String needle = text.toLowerCase(Locale.ROOT);
        return contains(letter.taskId(), needle) || contains(letter.message(), needle)
                || contains(letter.task().path("orderId").asText(), needle)
                || contains(letter.task().path("order_id").asText(), needle)
                || contains(letter.task().isTextual() ? letter.task().asText() : letter.task().toString(), needle);
    }

    private static boolean contains(String haystack, String lowerNeedle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

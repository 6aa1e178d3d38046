package io.enrollflow.deadletter;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;

import java.util.Arrays;
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

    /**
     * What is wrong with a stage or reason word as an operator gave it (CLI, API, console), or null when both are
     * absent or name one: an unknown word would select nothing, silently.
     */
    public static String problem(String stage, String reason) {
        if (stage != null && Arrays.stream(Stage.values()).noneMatch(s -> s.word().equals(stage))) {
            return "unknown stage " + stage + " ("
                    + String.join(", ", Arrays.stream(Stage.values()).map(Stage::word).toList()) + ")";
        }
        if (reason != null && FailureReason.ofWord(reason) == null) {
            return "unknown reason " + reason + " ("
                    + String.join(", ", Arrays.stream(FailureReason.values()).map(FailureReason::word).toList()) + ")";
        }
        return null;
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

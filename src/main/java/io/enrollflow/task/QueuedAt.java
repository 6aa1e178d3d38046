package io.enrollflow.task;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A task's optional {@code queuedAt} field (docs/contract.md §2): when the backend queued it, so that the queue's
 * latency and a task's time to completion count from there rather than from enrollflow's first sight of it. Written
 * as an ISO-8601 time with its offset ({@code 2026-12-06T09:30:00Z}, {@code 2026-12-06T10:30:00.250+01:00}) or as
 * epoch milliseconds (a number below 10^11 is taken for epoch seconds: as milliseconds it would be 1973). Anything else
 * is ignored: the field only feeds metrics, so it never fails a task.
 */
public final class QueuedAt {

    public static final String FIELD = "queuedAt";

    /** Below this, a number is epoch seconds: as milliseconds it would be before March 1973. */
    private static final long SECONDS_BELOW = 100_000_000_000L;

    private QueuedAt() {
    }

    /** The field of a parsed task, in epoch milliseconds; -1 when it is absent or unreadable. */
    public static long millis(JsonNode task) {
        JsonNode value = task == null ? null : task.get(FIELD);
        if (value == null) {
            return -1;
        }
        if (value.isNumber()) {
            return fromNumber(value.asDouble());
        }
        return value.isTextual() ? millis(value.asText()) : -1;
    }

    /** The field as written (a number or a time), in epoch milliseconds; -1 when empty or unreadable. */
    public static long millis(String text) {
        if (text == null || text.isBlank()) {
            return -1;
        }
        String value = text.trim();
        try {
            if (value.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
                return fromNumber(Double.parseDouble(value));
            }
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException unreadable) {
            return -1;
        }
    }

    private static long fromNumber(double number) {
        if (!(number > 0) || Double.isInfinite(number)) {
            return -1;
        }
        return number < SECONDS_BELOW ? Math.round(number * 1000) : Math.round(number);
    }
}

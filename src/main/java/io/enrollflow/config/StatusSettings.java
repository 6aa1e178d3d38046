package io.enrollflow.config;

import java.time.Duration;

/**
 * What the stores keep: a task's history, the dead letters' warning size, and how long both last (docs/contract.md §14).
 *
 * @param historySize        {@code enrollflow.status.history-size}: transitions a task's history keeps
 * @param deadLetterWarnSize {@code enrollflow.dead-letter.warn-size}: past this many records each new one warns
 * @param retention          {@code enrollflow.status.retention}: how long a completed task's status and history stay
 * @param deadLetterMaxAge   {@code enrollflow.deadletter.max-age}: older dead letters are trimmed
 * @param deadLetterMax      {@code enrollflow.deadletter.max-records}: past this many, the oldest are trimmed
 */
public record StatusSettings(int historySize, int deadLetterWarnSize, Duration retention, Duration deadLetterMaxAge,
                             int deadLetterMax) {

    public static final String HISTORY_SIZE = "enrollflow.status.history-size";
    public static final String DEAD_LETTER_WARN_SIZE = "enrollflow.dead-letter.warn-size";
    public static final String RETENTION = "enrollflow.status.retention";
    public static final String DEAD_LETTER_MAX_AGE = "enrollflow.deadletter.max-age";
    public static final String DEAD_LETTER_MAX_RECORDS = "enrollflow.deadletter.max-records";
    /** Retention settings accept a second, so a trial can watch them work; a century is "for ever" in practice. */
    private static final Duration SHORTEST = Duration.ofSeconds(1);
    private static final Duration LONGEST = Duration.ofDays(36_500);

    public static StatusSettings from(Settings settings) {
        return new StatusSettings(settings.integer(HISTORY_SIZE, 1, 10_000),
                settings.integer(DEAD_LETTER_WARN_SIZE, 0, Integer.MAX_VALUE),
                settings.duration(RETENTION, SHORTEST, LONGEST),
                settings.duration(DEAD_LETTER_MAX_AGE, SHORTEST, LONGEST),
                settings.integer(DEAD_LETTER_MAX_RECORDS, 1, Integer.MAX_VALUE));
    }
}

package io.enrollflow.config;

/**
 * What the stores keep: a task's history and the dead letters' warning size.
 *
 * @param historySize        {@code enrollflow.status.history-size}: transitions a task's history keeps
 * @param deadLetterWarnSize {@code enrollflow.dead-letter.warn-size}: past this many records each new one warns
 */
public record StatusSettings(int historySize, int deadLetterWarnSize) {

    public static final String HISTORY_SIZE = "enrollflow.status.history-size";
    public static final String DEAD_LETTER_WARN_SIZE = "enrollflow.dead-letter.warn-size";

    public static StatusSettings from(Settings settings) {
        return new StatusSettings(settings.integer(HISTORY_SIZE, 1, 10_000),
                settings.integer(DEAD_LETTER_WARN_SIZE, 0, Integer.MAX_VALUE));
    }
}

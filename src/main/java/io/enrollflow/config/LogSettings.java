package io.enrollflow.config;

/**
 * How lines are written: read by the command line before the first line is logged ({@code logging.Logging}).
 *
 * @param format {@code enrollflow.log.format}: {@code text} (one line per event) or {@code json} (one JSON object per
 *               line, each {@code key=value} of the message a field of its own)
 */
public record LogSettings(String format) {

    public static final String FORMAT = "enrollflow.log.format";

    public static LogSettings from(Settings settings) {
        return new LogSettings(settings.choice(FORMAT, "text", "json"));
    }
}

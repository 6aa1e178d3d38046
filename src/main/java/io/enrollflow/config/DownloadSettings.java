package io.enrollflow.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The download step: the {@code enrollflow.download.*} settings but the default quality ({@link TaskSettings}) and the
 * fleet-wide limit ({@link LimitSettings}).
 *
 * @param command     the operator's command as written; {@link DownloadCommand} splits and checks it
 * @param workDir     each task downloads into {@code <workDir>/<taskId>}
 * @param timeout     a download running longer is killed
 * @param keep        keep the task's folder after a successful delivery
 * @param notEnrolled output matching this means the account is not enrolled
 * @param nice        the command's niceness (0 to 19; 0 leaves it at enrollflow's own)
 */
public record DownloadSettings(String command, Path workDir, Duration timeout, boolean keep, Pattern notEnrolled,
                               int nice) {

    public static final String COMMAND = "enrollflow.download.command";
    public static final String WORK_DIR = "enrollflow.download.work-dir";
    public static final String TIMEOUT = "enrollflow.download.timeout";
    public static final String KEEP = "enrollflow.download.keep";
    public static final String NOT_ENROLLED_PATTERN = "enrollflow.download.not-enrolled-pattern";
    public static final String NICE = "enrollflow.download.nice";

    public static DownloadSettings from(Settings settings) {
        return new DownloadSettings(settings.text(COMMAND), Path.of(settings.required(WORK_DIR)),
                settings.duration(TIMEOUT), settings.flag(KEEP), settings.pattern(NOT_ENROLLED_PATTERN),
                settings.integer(NICE, 0, 19));
    }
}

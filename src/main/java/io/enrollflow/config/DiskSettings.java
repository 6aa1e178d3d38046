package io.enrollflow.config;

import java.time.Duration;

/**
 * The work directory's disk (docs/contract.md §5, §14): how long download logs and a dead-lettered task's folder stay,
 * and the free space a download needs before it starts.
 *
 * @param logRetention    {@code enrollflow.download.log-retention}: a download log is removed this long after its task ended
 * @param failedRetention {@code enrollflow.download.failed-retention}: a dead-lettered task's folder is removed this long
 *                        after it failed
 * @param minFree         {@code enrollflow.download.min-free} in bytes: a download waits until the work directory's file
 *                        system has this much free
 */
public record DiskSettings(Duration logRetention, Duration failedRetention, long minFree) {

    public static final String LOG_RETENTION = "enrollflow.download.log-retention";
    public static final String FAILED_RETENTION = "enrollflow.download.failed-retention";
    public static final String MIN_FREE = "enrollflow.download.min-free";

    public static DiskSettings from(Settings settings) {
        Duration shortest = Duration.ofSeconds(1);
        Duration longest = Duration.ofDays(36_500);
        return new DiskSettings(settings.duration(LOG_RETENTION, shortest, longest),
                settings.duration(FAILED_RETENTION, shortest, longest),
                LimitSettings.bytes(MIN_FREE, settings.required(MIN_FREE)));
    }
}

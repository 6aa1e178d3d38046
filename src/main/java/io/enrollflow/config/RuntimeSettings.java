package io.enrollflow.config;

/**
 * Every setting the runtime reads, one record per concern, parsed and checked once when the runtime is made (before
 * Redis or Camel): a bad value stops start-up with one line naming its key. The beans and the routes get these, never
 * the raw text. The download command is split here too ({@link DownloadCommand}). Drive's own settings
 * ({@link DriveSettings}, not the key file's content) are checked here when Drive is the target, so that a bad one
 * stops start-up with its one line and nothing logged before it; {@code delivery.drive} reads them itself. The log
 * format is read by the command line before anything logs; it is checked here again so that a runtime made in a test
 * JVM refuses it too.
 */
public record RuntimeSettings(RedisSettings redis, QueueSettings queue, TaskSettings task, EnrollmentSettings enrollment,
                              DownloadSettings download, DownloadCommand downloadCommand, DeliverySettings delivery,
                              RetrySettings retry, StatusSettings status, CallbackSettings callback,
                              ManagementSettings management, LimitSettings limits,
                              LogSettings log) {

    public static RuntimeSettings from(Settings settings) {
        DownloadSettings download = DownloadSettings.from(settings);
        DownloadCommand command = DownloadCommand.parse(download.command());
        DeliverySettings delivery = DeliverySettings.from(settings);
        DiskSettings.from(settings); // checked here, read where the work directory's housekeeping is built
        if (delivery.target() == DeliverySettings.Target.DRIVE) {
            DriveSettings.from(settings);
        }
        return new RuntimeSettings(RedisSettings.from(settings), QueueSettings.from(settings),
                TaskSettings.from(settings), EnrollmentSettings.from(settings), download, command, delivery,
                RetrySettings.from(settings), StatusSettings.from(settings), CallbackSettings.from(settings),
                ManagementSettings.from(settings), LimitSettings.from(settings),
                LogSettings.from(settings));
    }
}

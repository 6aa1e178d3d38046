package io.enrollflow.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a downloaded course goes: the {@code enrollflow.delivery.*} settings (Drive's own are
 * {@link DriveSettings}).
 *
 * @param target        the kind of delivery
 * @param folder        with {@link Target#FOLDER}: each task's tree appears at {@code <folder>/<taskId>}
 * @param overlap       deliver the files the download is done with while it runs (a target that can: Drive)
 * @param quietPeriod   how long a file must stay unchanged before it is taken while the download runs
 */
public record DeliverySettings(Target target, Path folder, boolean overlap, Duration quietPeriod) {

    public static final String TARGET = "enrollflow.delivery.target";
    public static final String FOLDER = "enrollflow.delivery.folder";

    /** The kinds of delivery, each named in the setting by its lower-case name. */
    public enum Target {
        DRIVE, FOLDER;

        /** How the setting writes it. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static DeliverySettings from(Settings settings) {
        Target target = Target.valueOf(settings.choice(TARGET, "drive", "folder").toUpperCase(Locale.ROOT));
        // the folder matters only to folder delivery: a Drive fleet may leave it empty
        return new DeliverySettings(target,
                Path.of(target == Target.FOLDER ? settings.required(FOLDER) : settings.text(FOLDER)),
                settings.flag("enrollflow.delivery.overlap"),
                settings.duration("enrollflow.delivery.overlap-quiet-period", Duration.ofMillis(100), Duration.ofHours(1)));
    }
}

package io.enrollflow.config;


import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet-wide limits' settings (docs/contract.md §12), parsed and checked once at start-up; a bad value is a
 * {@link ConfigException} naming its key.
 *
 * @param enrollRate        {@code enrollflow.enroll.rate-limit}; null = no limit
 * @param maxDownloads      {@code enrollflow.download.max-concurrent}; 0 = no limit
 * @param uploadBytesPerDay {@code enrollflow.drive.max-upload-per-day} in bytes; 0 = no limit
 * @param uploadPerDay      the same as the operator wrote it (it appears in task messages); empty = no limit
 */
public record LimitSettings(Rate enrollRate, int maxDownloads, long uploadBytesPerDay, String uploadPerDay) {

    public static final String ENROLL_RATE = "enrollflow.enroll.rate-limit";
    public static final String MAX_DOWNLOADS = "enrollflow.download.max-concurrent";
    public static final String UPLOAD_PER_DAY = "enrollflow.drive.max-upload-per-day";

    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\S+)");
    private static final Pattern BYTES = Pattern.compile("(\\d{1,15})\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);

    /** {@code calls} per {@code window}; {@code text} is how the operator wrote it (it appears in task messages). */
    public record Rate(int calls, Duration window, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    public static LimitSettings from(Settings settings) {
        return new LimitSettings(rate(settings.text(ENROLL_RATE)),
                settings.integer(MAX_DOWNLOADS, 0, 100_000),
                bytes(settings.text(UPLOAD_PER_DAY)), settings.text(UPLOAD_PER_DAY));
    }

    static Rate rate(String value) {
        if (value.isEmpty()) {
            return null;
        }
        Matcher m = RATE.matcher(value);
        if (!m.matches()) {
            throw new ConfigException(ENROLL_RATE, "\"" + value + "\" is not a rate (write it like 10/1s or 600/1m)");
        }
        int calls = Integer.parseInt(m.group(1));
        Duration window;
        try {
            window = Settings.parseDuration(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ENROLL_RATE, "\"" + value + "\": " + e.getMessage());
        }
        if (calls < 1 || window.toMillis() < 1 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException(ENROLL_RATE, "\"" + value + "\" needs at least 1 call per window of 1ms to 1d");
        }
        return new Rate(calls, window, m.group(1) + "/" + m.group(2));
    }

    /** {@code 700GB} (powers of 1000: B, KB, MB, GB, TB) or {@code 650GiB} (powers of 1024); a bare number is bytes. */
    static long bytes(String value) {
        return bytes(UPLOAD_PER_DAY, value);
    }

    /** As {@link #bytes(String)}, a bad value named by {@code key}. */
    static long bytes(String key, String value) {
        if (value.isEmpty()) {
            return 0;
        }
        Matcher m = BYTES.matcher(value);
        if (!m.matches()) {
            throw new ConfigException(key, "\"" + value + "\" is not a size (write it like 700GB or 650GiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            case "TIB" -> 1L << 40;
            default -> 1L;
        };
        if (n < 1 || n > Long.MAX_VALUE / factor / 1024) {
            throw new ConfigException(key, "\"" + value + "\" is out of range (1B to 8000TB)");
        }
        return n * factor;
    }
}

package io.enrollflow.limit;

/** The fleet-wide limits and this instance's disk space, by the name metrics and the status hash's {@code heldBack} field use. */
public enum Limit {
    ENROLL_RATE("enroll_rate"), DOWNLOAD_PERMITS("download_permits"), UPLOAD_BUDGET("upload_budget"),
    DRIVE_PAUSE("drive_pause"), DISK_SPACE("disk_space");

    private final String word;

    Limit(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}

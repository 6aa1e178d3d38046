package io.enrollflow.task;

import java.util.Locale;

/** Where in the pipeline a task is; the word is what status hashes and dead-letter records say. */
public enum Stage {
    INTAKE, ENROLL, DOWNLOAD, DELIVER;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}

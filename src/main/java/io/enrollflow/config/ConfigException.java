package io.enrollflow.config;

/**
 * A setting that is missing or wrong. Start-up prints {@link #getMessage()} as one line, without a stack trace,
 * and exits 2 (docs/contract.md §1).
 */
public class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The setting's key, e.g. {@code enrollflow.retry.initial-delay}. */
    public String key() {
        return key;
    }
}

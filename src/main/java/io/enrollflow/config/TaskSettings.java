package io.enrollflow.config;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a task may carry, and what it gets when it leaves something out.
 *
 * @param allowedHosts   {@code enrollflow.task.allowed-hosts}, lower-cased; empty accepts any host but IP addresses
 *                       and local names
 * @param defaultQuality {@code enrollflow.download.quality}: the quality of a task that names none
 */
public record TaskSettings(Set<String> allowedHosts, int defaultQuality) {

    public static final String ALLOWED_HOSTS = "enrollflow.task.allowed-hosts";
    public static final String QUALITY = "enrollflow.download.quality";

    public TaskSettings {
        allowedHosts = Set.copyOf(allowedHosts);
    }

    public static TaskSettings from(Settings settings) {
        Set<String> hosts = new TreeSet<>();
        settings.list(ALLOWED_HOSTS).forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        return new TaskSettings(hosts, settings.integer(QUALITY, 1, 100_000));
    }
}

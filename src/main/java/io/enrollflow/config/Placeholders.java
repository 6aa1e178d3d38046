package io.enrollflow.config;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task placeholders a setting may hold ({@code ${courseUrl} ${taskDir} ${taskId} ${orderId} ${quality}},
 * docs/contract.md §5): the download command's words and the Drive folder name use the same names and the same syntax, checked at
 * start-up and filled in per task here. Filling in is plain text replacement: nothing is ever evaluated.
 */
public final class Placeholders {

    /** The names a template may use. */
    public static final Set<String> NAMES = Set.of("courseUrl", "taskDir", "taskId", "orderId", "quality");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private Placeholders() {
    }

    /** Checks a template; an unknown placeholder is a {@link ConfigException} naming the key and the placeholder. */
    public static void check(String key, String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                throw new ConfigException(key, "unknown placeholder ${" + m.group(1) + "} (known: "
                        + "${courseUrl}, ${orderId}, ${quality}, ${taskDir}, ${taskId})");
            }
        }
    }

    /** The template with each placeholder replaced by its value (an absent value by nothing). */
    public static String fill(String template, Map<String, String> values) {
        return PLACEHOLDER.matcher(template)
                .replaceAll(m -> Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
    }
}

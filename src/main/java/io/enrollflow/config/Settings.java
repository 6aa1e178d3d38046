package io.enrollflow.config;

import io.enrollflow.util.WebUrls;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every setting enrollflow reads, merged from three layers (docs/contract.md §1), later layers winning:
 * <ol>
 *   <li>the copy of {@code application.properties} inside the jar: every key with its default;</li>
 *   <li>{@code ./application.properties}, or the file named by {@code --config};</li>
 *   <li>environment variables: the key upper-cased, {@code .} and {@code -} turned into {@code _}.</li>
 * </ol>
 * The typed getters throw {@link ConfigException} naming the key, so a bad value stops start-up with one line.
 */
public final class Settings {

    /** Where the jar keeps its copy of the top-level application.properties. */
    public static final String BUNDLED = "enrollflow/application.properties";
    /** The file read from the working directory when no --config is given. */
    public static final Path WORKING_DIR_FILE = Path.of("application.properties");

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final Properties values;

    private Settings(Properties values) {
        this.values = values;
    }

    /**
     * Loads the three layers.
     *
     * @param configFile the file named by {@code --config}, or null for {@code ./application.properties} when it exists
     * @param env        the environment (System.getenv() in production; tests pass their own)
     */
    public static Settings load(Path configFile, Map<String, String> env) {
        Properties merged = bundled().values;
        Path file = configFile != null ? configFile : (Files.isRegularFile(WORKING_DIR_FILE) ? WORKING_DIR_FILE : null);
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new ConfigException("--config", "cannot read " + file.toAbsolutePath());
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Properties fromFile = new Properties();
                fromFile.load(reader);
                merged.putAll(fromFile);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("--config", "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
            }
        }
        for (String key : new TreeSet<>(merged.stringPropertyNames())) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.setProperty(key, fromEnv);
            }
        }
        return new Settings(merged);
    }

    /** The jar's copy alone: every key with its default (no file, no environment). */
    public static Settings bundled() {
        Properties defaults = new Properties();
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is missing from the classpath: the jar is broken");
            }
            defaults.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BUNDLED, e);
        }
        return new Settings(defaults);
    }

    /** Settings from explicit values only (tests and the demo build on the bundled defaults with this). */
    public Settings with(Map<String, String> overrides) {
        Properties copy = new Properties();
        copy.putAll(values);
        overrides.forEach(copy::setProperty);
        return new Settings(copy);
    }

    /** {@code enrollflow.drive.service-account-key} → {@code ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** All merged values, for Camel's property placeholders ({{enrollflow.*}} in routes, camel.* for camel-main). */
    public Properties asProperties() {
        Properties copy = new Properties();
        copy.putAll(values);
        return copy;
    }

    /** The raw value, trimmed; empty when unset. */
    public String text(String key) {
        String value = values.getProperty(key);
        return value == null ? "" : value.trim();
    }

    public String required(String key) {
        String value = text(key);
        if (value.isEmpty()) {
            throw new ConfigException(key, "is required but empty");
        }
        return value;
    }

    /** true/yes/on or false/no/off; an empty value is an error too (its default is in application.properties). */
    public boolean flag(String key) {
        String value = required(key).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "\"" + value + "\" is not true or false");
        };
    }

    public int integer(String key, int min, int max) {
        String value = required(key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new ConfigException(key, parsed + " is out of range (" + min + " to " + max + ")");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "\"" + value + "\" is not a whole number");
        }
    }

    public double decimal(String key, double min, double max) {
        String value = required(key);
        try {
            double parsed = Double.parseDouble(value);
            if (!(parsed >= min && parsed <= max)) {
                throw new ConfigException(key, value + " is out of range (" + min + " to " + max + ")");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "\"" + value + "\" is not a number");
        }
    }

    public Duration duration(String key) {
        String value = required(key);
        try {
            return parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** A duration within bounds, both inclusive. */
    public Duration duration(String key, Duration min, Duration max) {
        Duration parsed = duration(key);
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new ConfigException(key, "\"" + required(key) + "\" is out of range (" + min.toMillis() + "ms to "
                    + max.toMillis() + "ms)");
        }
        return parsed;
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 4h}, {@code 2d}. */
    public static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + value + "\" is not a duration (write it like 500ms, 30s, 10m or 4h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public Pattern pattern(String key) {
        String value = required(key);
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(key, "\"" + value + "\" is not a valid regular expression: " + e.getDescription());
        }
    }

    /** An absolute http(s) URL; a message about a bad one shows it without user info or query ({@link Redact}). */
    public URI httpUrl(String key) {
        return httpUrl(key, required(key));
    }

    /**
     * {@link #httpUrl(String)} for a value made from the key's (a URL template with its placeholders filled): the one
     * check of every http(s) URL setting.
     */
    public static URI httpUrl(String key, String value) {
        try {
            URI uri = new URI(value);
            if (!WebUrls.isHttp(uri)) {
                throw new ConfigException(key, "\"" + Redact.url(value) + "\" is not an absolute http or https URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            // the reason names the offending character and index, never the text around it
            throw new ConfigException(key, "\"" + Redact.url(value) + "\" is not a URL: " + e.getReason());
        }
    }

    /** A comma-separated list, entries trimmed, empty entries dropped. */
    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String part : text(key).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** One of the given words. */
    public String choice(String key, String... allowed) {
        String value = required(key).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw new ConfigException(key, "\"" + value + "\" is unknown (use one of: " + String.join(", ", allowed) + ")");
        }
        return value;
    }
}

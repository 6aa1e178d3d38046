package io.enrollflow.management;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of a Prometheus text exposition, as a scraper would. */
final class Scrape {

    private final String text;

    Scrape(String text) {
        this.text = text;
    }

    /**
     * The value of the sample named {@code name} whose labels include every {@code label="value"} given; NaN when no
     * such sample exists.
     */
    double value(String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    boolean has(String name) {
        return Pattern.compile("^" + Pattern.quote(name) + "[ {]", Pattern.MULTILINE).matcher(text).find();
    }

    @Override
    public String toString() {
        return text;
    }
}

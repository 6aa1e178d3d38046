package io.enrollflow.task;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The course URL hosts refused while {@code enrollflow.task.allowed-hosts} is empty (docs/contract.md §2, §10): the
 * download tool fetches whatever a task names, and what it fetches is delivered to the buyer, so a task must not point
 * it at the machine itself, the cloud's metadata service or the private network. Refused:
 * <ul>
 *   <li>an IP address in any form: IPv6 in brackets, and every name whose last label is a number. That is the URL
 *       standard's own test ("ends in a number"): such a host is read as IPv4, so {@code 2852039166},
 *       {@code 0xA9FEA9FE}, {@code 0251.0376.0251.0376} and {@code 127.1} all are; a name that does not end in a
 *       number is never read as an address;</li>
 *   <li>{@code localhost} and every name under it;</li>
 *   <li>names under {@code .local} (multicast DNS) and {@code .internal} (the clouds' private zones, the metadata
 *       service's {@code metadata.google.internal} among them);</li>
 *   <li>a name without a dot: the resolver completes it with the machine's search domains, inside the cluster or
 *       the company network ({@code http://redis:6379/}).</li>
 * </ul>
 * Case and trailing dots do not matter. A public name that resolves to a private address is not caught here: that is
 * what the allowed hosts and an egress policy are for (SECURITY.md).
 */
final class CourseHosts {

    /** A last label read as a number: decimal, octal (a leading 0, decimal digits too) or hexadecimal. */
    private static final Pattern NUMBER = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    private CourseHosts() {
    }

    /** What the host is when it is refused ("an IP address", ...), or null when a course may be fetched from it. */
    static String refusal(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") || name.contains(":")) {
            return "an IP address";
        }
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (NUMBER.matcher(name.substring(name.lastIndexOf('.') + 1)).matches()) {
            return "an IP address";
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return "the local machine";
        }
        if (name.endsWith(".local") || name.endsWith(".internal")) {
            return "a private network name";
        }
        if (!name.contains(".")) {
            return "a name without a dot (completed by the local search domains)";
        }
        return null;
    }

    /**
     * The host part of an authority that {@link java.net.URI} did not read as a server's (it then has no host): the
     * authority without user info and port. Only for saying why such a URL is refused.
     */
    static String hostOf(String authority) {
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}

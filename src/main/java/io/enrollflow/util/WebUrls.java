package io.enrollflow.util;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The one test of "a web address": an absolute {@code http} or {@code https} URL (scheme in any case) that names a
 * host. A course URL and a callback or enrollment endpoint pass it or are refused.
 */
public final class WebUrls {

    private WebUrls() {
    }

    /** True for an absolute http(s) URL with a host. */
    public static boolean isHttp(URI uri) {
        String scheme = uri.getScheme();
        return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null;
    }

    /** As {@link #isHttp(URI)}; false for text that is not a URI at all (null included). */
    public static boolean isHttp(String text) {
        if (text == null) {
            return false;
        }
        try {
            return isHttp(new URI(text));
        } catch (URISyntaxException notAUri) {
            // not a URL at all: not a web address either
            return false;
        }
    }
}

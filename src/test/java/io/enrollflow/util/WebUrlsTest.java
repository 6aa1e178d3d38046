package io.enrollflow.util;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebUrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://courses.example.com/c/", "http://127.0.0.1:8080/x?y=1", "HTTPS://Example.com"})
    void anAbsoluteHttpUrlWithAHostIsAWebAddress(String url) {
        assertTrue(WebUrls.isHttp(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/x", "/relative/path",
            "https:no-host", "https://", "not a url at all", "data:text/html,x", "mailto:a@b.co"})
    void anythingElseIsNot(String url) {
        assertFalse(WebUrls.isHttp(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {""})
    void emptyOrNullIsNot(String url) {
        assertFalse(WebUrls.isHttp(url));
        assertFalse(WebUrls.isHttp((String) null));
    }
}

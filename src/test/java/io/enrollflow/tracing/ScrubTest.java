package io.enrollflow.tracing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a span may hold of a URL or a message (docs/contract.md §8): no user info, query or fragment, no email. */
class ScrubTest {

    @Test
    void aUrlKeepsSchemeHostPortAndPathOnly() {
        assertEquals("https://backend.example.com:8443/hooks/39",
                Scrub.url("https://user:pw@backend.example.com:8443/hooks/39?sig=abc&token=x#frag"));
        assertEquals("http://127.0.0.1:3000/api/v1/enroll", Scrub.url("http://127.0.0.1:3000/api/v1/enroll"));
        assertEquals("https://h", Scrub.url("https://h?only=query"));
    }

    @Test
    void aUrlAttributeIsCutAndAnyOtherTextHasItsEmailsMaskedAndItsUrlsCut() {
        assertEquals("https://h/p", Scrub.value("url.full", "https://h/p?token=x"));
        assertEquals("https://h/p", Scrub.value("http.url", "https://h/p?token=x"));
        assertEquals("course https://courses.example.com/c/ for b***@example.com refused",
                Scrub.value("message", "course https://courses.example.com/c/?ref=aff for buyer@example.com refused"));
        assertEquals("Connect to http://h:1/cb failed: refused", Scrub.text("Connect to http://u:p@h:1/cb?sig=s failed: refused"));
        assertEquals("plain words", Scrub.text("plain words"));
    }
}

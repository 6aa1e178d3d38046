package io.enrollflow.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CONTRACT §10: emails are masked in logs as {@code b***@example.com}. */
class MaskingTest {

    @Test
    void emailKeepsItsFirstLetterAndDomain() {
        assertEquals("b***@example.com", Masking.email("buyer@example.com"));
        assertEquals("b***@example.com", Masking.email("b@example.com"));
    }

    @Test
    void everyEmailInsideATextIsMasked() {
        assertEquals("No account for c***@example.org, nor for b***@mail.example.co.uk.",
                Masking.emailsIn("No account for carol.smith@example.org, nor for bob+x@mail.example.co.uk."));
    }

    @Test
    void textWithoutAnEmailIsLeftAlone() {
        assertEquals("HTTP 404: {\"error\":\"no such course\"} @ noon", Masking.emailsIn("HTTP 404: {\"error\":\"no such course\"} @ noon"));
        assertEquals(null, Masking.emailsIn(null));
    }
}

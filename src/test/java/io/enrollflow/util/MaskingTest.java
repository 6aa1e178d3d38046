package io.enrollflow.util;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/contract.md §10: emails are masked in logs as {@code b***@example.com}. */
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
    void everyAddressTheTaskRulesAcceptIsMaskedOneLabelDomainsIncluded() {
        assertEquals("for c***@intranet and r***@localhost.", Masking.emailsIn("for carol@intranet and root@localhost."));
        assertEquals("c***@intranet", Masking.email("carol@intranet"));
    }

    @Test
    void userInfoAfterASchemeAndMaskedAddressesAreLeftAsTheyAre() {
        assertEquals("redis://***@10.0.0.7:6379 b***@example.com",
                Masking.emailsIn("redis://***@10.0.0.7:6379 b***@example.com"));
    }

    @Test
    void textWithoutAnEmailIsLeftAlone() {
        assertEquals("HTTP 404: {\"error\":\"no such course\"} @ noon", Masking.emailsIn("HTTP 404: {\"error\":\"no such course\"} @ noon"));
        assertEquals(null, Masking.emailsIn(null));
    }

    /**
     * The expression the scan stands for: it must find the same addresses, only in linear time. Its domain is the task
     * rules' (one label or more); a local part does not start with {@code /} (user info after {@code ://}).
     */
    private static final Pattern FORMER =
            Pattern.compile("[A-Za-z0-9.!#$%&'*+=?^_`{|}~-][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");

    @Test
    void theScanMasksExactlyWhatTheFormerExpressionFound() {
        Random random = new Random(11);
        String alphabet = "ab.@-x_ +\n1éZ/*";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String expected = FORMER.matcher(text).replaceAll(m -> Matcher.quoteReplacement(Masking.email(m.group())));
            assertEquals(expected, Masking.emailsIn(text.toString()), "for \"" + text + "\"");
        }
    }

    @Test
    void aHugeRunOfAddressCharactersWithoutADomainIsLeftAsItIs() {
        // what keeps such an expression at 100 % CPU: 300 KB of local-part characters, an @, no domain; then
        // 50,000 more @
        String message = "a".repeat(300_000) + "@ " + "b@".repeat(50_000) + " c@example.com";
        String masked = Masking.emailsIn(message);
        assertEquals("a".repeat(300_000) + "@ " + "b***@b@".repeat(25_000) + " c***@example.com", masked);
    }
}

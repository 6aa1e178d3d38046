package io.enrollflow.management;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BearerTokenTest {

    @Test
    void noConfiguredTokenClosesTheApiWhateverIsSent() {
        BearerToken token = new BearerToken("");
        assertEquals(BearerToken.Verdict.NOT_CONFIGURED, token.check(null));
        assertEquals(BearerToken.Verdict.NOT_CONFIGURED, token.check("Bearer "));
        assertEquals(BearerToken.Verdict.NOT_CONFIGURED, token.check("Bearer anything"));
    }

    @Test
    void onlyTheExactTokenAfterTheBearerSchemeIsAccepted() {
        BearerToken token = new BearerToken("s3cret");
        assertEquals(BearerToken.Verdict.ACCEPTED, token.check("Bearer s3cret"));
        assertEquals(BearerToken.Verdict.ACCEPTED, token.check("bearer s3cret"));
        assertEquals(BearerToken.Verdict.REFUSED, token.check(null));
        assertEquals(BearerToken.Verdict.REFUSED, token.check("s3cret"));
        assertEquals(BearerToken.Verdict.REFUSED, token.check("Basic s3cret"));
        assertEquals(BearerToken.Verdict.REFUSED, token.check("Bearer s3cre"));
        assertEquals(BearerToken.Verdict.REFUSED, token.check("Bearer s3crett"));
        assertEquals(BearerToken.Verdict.REFUSED, token.check("Bearer S3CRET"));
    }
}

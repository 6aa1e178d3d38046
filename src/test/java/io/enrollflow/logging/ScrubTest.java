package io.enrollflow.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** docs/contract.md §10: what every layout of the jar does to any text before it writes it. */
class ScrubTest {

    @AfterEach
    void forgetSecrets() {
        Scrub.secrets(List.of());
    }

    @Test
    void theSettingsSecretsAreRedactedWhereverTheyAppear() {
        Scrub.secrets(List.of("s3cr3t-redis-pass", "enroll-tok-5b1e9c", "ab"));

        assertEquals("AUTH *** failed; token=*** sent as ***",
                Scrub.text("AUTH s3cr3t-redis-pass failed; token=enroll-tok-5b1e9c sent as enroll-tok-5b1e9c"));
        assertEquals("about", Scrub.text("about"), "a value too short to be told from a word is left to the other rules");
    }

    @Test
    void userInfoInAnyUrlIsRedacted() {
        assertEquals("connecting to redis://***@10.0.0.7:6379/0 and rediss://***@h:6380",
                Scrub.text("connecting to redis://user:p@ss:word@10.0.0.7:6379/0 and rediss://:only-pass@h:6380"));
        assertEquals("addr=redis://127.0.0.1:6379 and redis://***@h", Scrub.text("addr=redis://127.0.0.1:6379 and redis://***@h"),
                "an address without user info, or redacted already, stays");
    }

    @Test
    void keyMaterialAndAuthorizationHeadersAreRedacted() {
        assertEquals("{\"type\":\"service_account\",\"private_key\":\"***\\n\",\"private_key_id\":\"***\"}",
                Scrub.text("{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN\\n"
                        + "-----END PRIVATE KEY-----\\n\",\"private_key_id\":\"4f1c2a\"}"));
        assertEquals("cut ***", Scrub.text("cut -----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADAN"));
        assertEquals("http-outgoing-0 >> Authorization: ***", Scrub.text("http-outgoing-0 >> Authorization: Bearer tok-9f"));
        assertEquals("http-outgoing-0 >> \"authorization: ***[\\r][\\n]\"",
                Scrub.text("http-outgoing-0 >> \"authorization: Basic dXNlcjpwYXNz[\\r][\\n]\""));
        assertEquals("POST /cb?id=4&token=*** HTTP/1.1 password: *** client_secret=***",
                Scrub.text("POST /cb?id=4&token=cb-secret-77e1 HTTP/1.1 password: hunter22 client_secret=x1"));
    }

    @Test
    void everyAddressTheTaskRulesAcceptIsMasked() {
        assertEquals("no account for c***@intranet, b***@example.com or d***@a-b.c.example",
                Scrub.text("no account for carol@intranet, bob.smith+x@example.com or d@a-b.c.example"));
        assertEquals("b***@example.com", Scrub.text("b***@example.com"), "masked already");
    }

    @Test
    void textWithoutSecretsOrAddressesIsLeftAsItIs() {
        String camel = "Apache Camel 4.17.0 (enrollflow) started in 1s (build:200ms) routes=7 uri=redis-queue://x?a=b";
        assertEquals(camel, Scrub.text(camel));
        assertEquals("the read token opens GET only", Scrub.text("the read token opens GET only"));
        assertNull(Scrub.text(null));
    }
}

package io.enrollflow.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** docs/contract.md §1: a URL setting shown in a message keeps no password or token, even when it does not parse. */
class RedactTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "redis://:s3cret@redis.internal:6379|redis://***@redis.internal:6379",
            "redis://user:s3cret@redis.internal:6379/0|redis://***@redis.internal:6379/0",
            "redis://:s3 cret@redis.internal:6379|redis://***@redis.internal:6379",
            "redis://:s3/c?r#et@redis.internal:6379|redis://***@redis.internal:6379",
            "rediss://:%zzs3cret@host|rediss://***@host",
            "https://api.example.com/enroll?token=s3cret|https://api.example.com/enroll?***",
            "https://user:s3cret@api.example.com/cb/${taskId}#s3cret|https://***@api.example.com/cb/${taskId}#***",
            ":s3cret@host:6379|***@host:6379",
            "redis://127.0.0.1:6379|redis://127.0.0.1:6379",
            "http://localhost:3000/api/v1/enroll|http://localhost:3000/api/v1/enroll"})
    void userInfoAndQueryAreRedacted(String given, String shown) {
        assertEquals(shown, Redact.url(given));
        assertFalse(Redact.url(given).contains("s3"), Redact.url(given));
    }
}

package io.enrollflow.deadletter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which records a {@link DeadLetterFilter}'s text matches; reason and stage are indexes (DeadLetterPagingIT). */
class DeadLetterFilterTest {

    private static DeadLetter record(String taskId, String message, String task) {
        return DeadLetter.parse("{\"taskId\":\"" + taskId + "\",\"task\":" + task + ",\"stage\":\"enroll\","
                + "\"reason\":\"enrollment_rejected\",\"message\":\"" + message + "\"}");
    }

    @Test
    void blankFieldsMatchAnyAndAreSpelledNull() {
        DeadLetterFilter filter = new DeadLetterFilter(" ", "", "\t");

        assertNull(filter.reason());
        assertNull(filter.stage());
        assertNull(filter.text());
        assertFalse(filter.hasText());
        assertEquals(DeadLetterFilter.ALL, filter);
    }

    @Test
    void aTextMatchesTheTaskIdOrderIdMessageOrPayloadIgnoringCase() {
        DeadLetterFilter filter = new DeadLetterFilter(null, null, "AbC");

        assertTrue(filter.matchesText(record("xabcx", "", "{}")));
        assertTrue(filter.matchesText(record("1", "", "{\"order_id\":\"ABC-9\"}")));
        assertTrue(filter.matchesText(record("1", "course abc not found", "{}")));
        assertTrue(filter.matchesText(record("1", "", "{\"coupon\":\"xAbC\"}")));
        assertTrue(filter.matchesText(record("invalid-3", "", "\"not json abc\"")), "a payload kept as text");
        assertFalse(filter.matchesText(record("1", "nothing here", "{\"orderId\":\"ab-c\"}")));
    }

    @Test
    void aKnownStageAndReasonOrNoneHaveNoProblem() {
        assertNull(DeadLetterFilter.problem(null, null));
        assertNull(DeadLetterFilter.problem("download", "download_failed"));
    }

    @Test
    void anUnknownStageOrReasonIsNamedWithTheWordsThatExist() {
        assertEquals("unknown stage downlaod (intake, enroll, download, deliver)", DeadLetterFilter.problem("downlaod", null));
        String reason = DeadLetterFilter.problem(null, "nope");
        assertTrue(reason.startsWith("unknown reason nope (") && reason.contains("enrollment_unavailable"), reason);
        assertEquals("unknown stage  (intake, enroll, download, deliver)", DeadLetterFilter.problem("", null),
                "an empty word is not 'any': the operator meant something");
    }
}

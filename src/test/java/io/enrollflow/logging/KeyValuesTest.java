package io.enrollflow.logging;

import io.enrollflow.logging.KeyValues.Pair;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyValuesTest {

    @Test
    void readsPlainAndQuotedValuesInOrder() {
        assertEquals(List.of(new Pair("task", "39"), new Pair("stage", "enroll"), new Pair("outcome", "rejected"),
                        new Pair("reason", "course not found")),
                KeyValues.parse("task=39 stage=enroll outcome=rejected reason=\"course not found\""));
    }

    @Test
    void aQuotedValueMayHoldQuotesAndEqualsSigns() {
        assertEquals(List.of(new Pair("task", "7"), new Pair("error", "Expected \"x\" got a=b"), new Pair("note", "retry")),
                KeyValues.parse("task=7 error=\"Expected \"x\" got a=b\" note=\"retry\""));
    }

    @Test
    void aQuotedValueWithoutItsClosingQuoteRunsToTheEnd() {
        assertEquals(List.of(new Pair("task", "7"), new Pair("error", "cut off here")),
                KeyValues.parse("task=7 error=\"cut off here"));
    }

    @Test
    void wordsThatAreNoPairsAreSkippedAndTheFirstOfTwoEqualKeysWins() {
        assertEquals(List.of(new Pair("routes", "7"), new Pair("uri", "redis-queue://x?a=b")),
                KeyValues.parse("Started 3 of (x=1) routes=7 uri=redis-queue://x?a=b routes=8 =nokey 9x=y"));
    }

    @Test
    void anEmptyValueIsAPairToo() {
        assertEquals(List.of(new Pair("delegate", ""), new Pair("root", "")), KeyValues.parse("delegate= root=\"\""));
    }
}

package io.enrollflow.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutageTest {

    @Test
    void onlyTheFirstFailureOfAnOutageIsReported() {
        Outage outage = new Outage();
        assertTrue(outage.began());
        assertFalse(outage.began());
        assertFalse(outage.began());
    }

    @Test
    void onlyTheFirstSuccessAfterAnOutageIsReported() {
        Outage outage = new Outage();
        assertFalse(outage.over(), "no outage yet: nothing to report");
        outage.began();
        assertTrue(outage.over());
        assertFalse(outage.over());
    }

    @Test
    void aSecondOutageIsReportedAgain() {
        Outage outage = new Outage();
        outage.began();
        outage.over();
        assertTrue(outage.began());
    }
}

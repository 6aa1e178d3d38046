package io.enrollflow.queue;

import io.enrollflow.task.TaskRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** claim.lua's 'own': intake asks whether another run in hand holds the claim, or the claim was sent twice. */
class InFlightTest {

    @Test
    void aClaimHeldByAnotherRunInHandIsInFlightHere() {
        InFlight inFlight = new InFlight();
        TaskRun running = new TaskRun("{}", "p");
        running.claimToken("7 alpha 1");
        TaskRun duplicate = new TaskRun("{}", "p");
        inFlight.add(running);
        inFlight.add(duplicate);

        assertTrue(inFlight.heldByAnother(duplicate, "7 alpha 1"));
    }

    @Test
    void aClaimNoOtherRunHoldsIsTheAskingRunsOwn() {
        InFlight inFlight = new InFlight();
        TaskRun other = new TaskRun("{}", "p");
        other.claimToken("8 alpha 1");
        TaskRun resent = new TaskRun("{}", "p");
        inFlight.add(other);
        inFlight.add(resent);

        assertFalse(inFlight.heldByAnother(resent, "7 alpha 1"), "another task's claim");
        inFlight.remove(other);
        assertFalse(inFlight.heldByAnother(resent, "8 alpha 1"), "its holder is no longer in hand");
    }
}

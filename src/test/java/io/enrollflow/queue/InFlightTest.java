package io.enrollflow.queue;

import io.enrollflow.task.TaskRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** claim.lua's 'own': intake asks whether another run in hand holds the task's claim, or the claim was sent twice. */
class InFlightTest {

    @Test
    void aClaimHeldByAnotherRunOfTheTaskIsInFlightHere() {
        InFlight inFlight = new InFlight();
        TaskRun running = run("39", "7 alpha 1");
        TaskRun duplicate = run("39", "");
        inFlight.add(running);
        inFlight.add(duplicate);

        assertTrue(inFlight.heldByAnother(duplicate, "7 alpha 1"));
    }

    @Test
    void anotherRunOfTheTaskStillClaimingCountsAsHoldingIt() {
        // its claim ran first in Redis, but its worker has not read the reply yet
        InFlight inFlight = new InFlight();
        TaskRun claiming = run("39", "");
        TaskRun duplicate = run("39", "");
        inFlight.add(claiming);
        inFlight.add(duplicate);

        assertTrue(inFlight.heldByAnother(duplicate, "7 alpha 1"));
    }

    @Test
    void aClaimNoOtherRunOfTheTaskHoldsIsTheAskingRunsOwn() {
        InFlight inFlight = new InFlight();
        TaskRun otherTask = run("40", "8 alpha 1");
        TaskRun resent = run("39", "");
        inFlight.add(otherTask);
        inFlight.add(resent);

        assertFalse(inFlight.heldByAnother(resent, "7 alpha 1"), "another task's run");
        TaskRun fencedEarlier = run("39", "5 alpha 0");
        inFlight.add(fencedEarlier);
        assertFalse(inFlight.heldByAnother(resent, "7 alpha 1"), "a run of an older claim holds another token");
    }

    private static TaskRun run(String taskId, String token) {
        TaskRun run = new TaskRun("{\"taskId\":\"" + taskId + "\"}", "p");
        run.taskId(taskId);
        run.claimToken(token);
        return run;
    }
}

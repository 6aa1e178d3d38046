package io.enrollflow.ha;

import org.junit.jupiter.api.Test;

/**
 * docs/contract.md §13 with Sentinel ({@link FailoverScenario}): the primary killed with SIGKILL while tasks are in flight, with
 * {@code enrollflow.redis.wait-replicas} 0 and 1. Every task ends completed, one Drive folder per task, each file
 * uploaded once, both instances working on the new primary without a restart.
 */
class FailoverIT extends FailoverScenario {

    @Test
    void withoutWaitEveryTaskSurvivesAPrimaryKilledMidWorkAndIsDeliveredOnce() throws Exception {
        failover(0, "1s", 0, true);
    }

    @Test
    void withWaitForOneReplicaEveryTaskSurvivesAPrimaryKilledMidWorkAndIsDeliveredOnce() throws Exception {
        failover(1, "1s", 0, true);
    }
}

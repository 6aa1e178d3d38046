package io.enrollflow.ha;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code enrollflow.redis.wait-replicas} is for ({@link FailoverScenario} with a lagging replica): the replica
 * stops acknowledging for 3 s before the primary is killed, so whatever the primary alone acknowledged meanwhile is
 * lost in the failover. Without WAIT those decisions vanish and their tasks run again (measured, not asserted beyond
 * every task completing); with WAIT for one replica (timeout 5 s, longer than the lag) no decision was acknowledged
 * without the replica, so nothing runs again and every file is delivered once.
 */
class ReplicaLagFailoverIT extends FailoverScenario {

    @Test
    void withoutWaitTheDecisionsOfTheLagAreLostAndTheirTasksRunAgainYetAllComplete() throws Exception {
        failover(0, "5s", 3, false);
    }

    @Test
    void withWaitForOneReplicaNoDecisionIsLostAndEveryFileIsDeliveredOnce() throws Exception {
        FailoverScenario.Cost cost = failover(1, "5s", 3, true);

        assertEquals(0, cost.rerun(), "tasks whose download ran again");
    }
}

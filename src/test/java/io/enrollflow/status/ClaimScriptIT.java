package io.enrollflow.status;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore.Claim;
import io.enrollflow.status.StatusStore.ClaimResult;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.util.Map;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each outcome of claim.lua (docs/contract.md §2, §3, §7) against a real Redis: who runs a task, with which fencing token, and
 * how every run that ended without a decision counts toward max-deliveries.
 */
class ClaimScriptIT {

    private static final int MAX_DELIVERIES = 3;
    private static final RedisKeys KEYS = RedisKeys.defaults();

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private Membership alpha;
    private Membership beta;
    private StatusStore asAlpha;
    private StatusStore asBeta;

    @BeforeEach
    void twoInstances() {
        alpha = new Membership("alpha");
        beta = new Membership("beta");
        RedisScripts scripts = new RedisScripts(redis.client());
        asAlpha = new StatusStore(redis.client(), scripts, KEYS, 50, alpha, MAX_DELIVERIES);
        asBeta = new StatusStore(redis.client(), scripts, KEYS, 50, beta, MAX_DELIVERIES);
    }

    private static ClaimResult claim(StatusStore store, Tasks task) {
        TaskRun run = new TaskRun(task.json(), KEYS.processing("p"));
        run.taskId(task.taskId());
        return store.claim(run, "", task.courseUrl());
    }

    /** The instance's heartbeat holds its epoch: it is alive. */
    private static void alive(Membership instance) {
        redis.client().getBucket(KEYS.heartbeat(instance.instanceId()), StringCodec.INSTANCE).set(instance.epoch());
    }

    private static String claimValue(Tasks task) {
        return (String) redis.client().getBucket(KEYS.claim(task.taskId()), StringCodec.INSTANCE).get();
    }

    private static void setStatus(Tasks task, String... fieldValues) {
        for (int i = 0; i < fieldValues.length; i += 2) {
            redis.client().getMap(KEYS.task(task.taskId()), StringCodec.INSTANCE).put(fieldValues[i], fieldValues[i + 1]);
        }
    }

    @Test
    void aNewTaskIsClaimedAtAttemptOneWithATokenNamingItsOwner() {
        Tasks task = aTask();

        ClaimResult result = claim(asAlpha, task);

        assertEquals(Claim.CLAIMED, result.decision());
        assertEquals(1, result.attempt());
        assertTrue(result.token().endsWith(" alpha " + alpha.epoch()), result.token());
        assertEquals(result.token(), claimValue(task), "the claim holds the token");
        assertEquals("processing", redis.hash(task.taskId()).get("status"));
    }

    @Test
    void aCompletedTaskIsIgnoredAndKeepsItsStatus() {
        Tasks task = aTask();
        setStatus(task, "status", "completed", "deliveryUrl", "https://drive/x");

        ClaimResult result = claim(asAlpha, task);

        assertEquals(Claim.COMPLETED, result.decision());
        assertEquals("", result.token());
        assertEquals("completed", redis.hash(task.taskId()).get("status"));
        assertFalse(redis.exists(KEYS.claim(task.taskId())), "no claim");
    }

    @Test
    void aClaimSentAgainByItsOwnerGivesTheSameClaimBackAndCountsNothing() {
        // a claim whose reply was lost (a failover) is sent again by the client: the same owner asks once more
        Tasks task = aTask();
        ClaimResult first = claim(asAlpha, task);
        alive(alpha);
        int historyBefore = redis.list(KEYS.history(task.taskId())).size();

        ClaimResult again = claim(asAlpha, task);

        assertEquals(Claim.OWN, again.decision(), "the instance decides: in flight on another worker, or its own claim");
        assertEquals(first.token(), again.token());
        assertEquals(first.attempt(), again.attempt(), "no attempt counted");
        assertEquals(first.token(), claimValue(task), "the claim is untouched");
        assertEquals(historyBefore, redis.list(KEYS.history(task.taskId())).size(), "nothing written");
    }

    @Test
    void aTaskHeldByALiveInstanceIsInFlightForAnother() {
        Tasks task = aTask();
        ClaimResult first = claim(asAlpha, task);
        alive(alpha);

        ClaimResult second = claim(asBeta, task);

        assertEquals(Claim.IN_FLIGHT, second.decision());
        assertEquals(first.token(), claimValue(task), "the claim is untouched");
    }

    @Test
    void aTaskWaitingForItsRetryIsIgnoredUntilDue() {
        Tasks task = aTask();
        setStatus(task, "status", "retrying", "attempts", "1");

        assertEquals(Claim.WAITING, claim(asAlpha, task).decision());

        setStatus(task, "retryDue", "1");
        ClaimResult due = claim(asAlpha, task);
        assertEquals(Claim.CLAIMED, due.decision());
        assertEquals(2, due.attempt());
        assertFalse(redis.hash(task.taskId()).containsKey("crashes"), "a due retry is no crash");
    }

    @Test
    void aDeadOwnersTaskIsTakenOverWithANewTokenAndTheCrashCounted() {
        Tasks task = aTask();
        ClaimResult first = claim(asAlpha, task); // alpha has no heartbeat: presumed dead

        ClaimResult second = claim(asBeta, task);

        assertEquals(Claim.CLAIMED, second.decision());
        assertNotEquals(first.token(), second.token());
        assertEquals(second.token(), claimValue(task));
        assertEquals(2, second.attempt());
        assertEquals("1", redis.hash(task.taskId()).get("crashes"));
    }

    @Test
    void anInstanceBackUnderANewEpochDoesNotTakeItsOldClaimForItsOwn() {
        Tasks task = aTask();
        ClaimResult old = claim(asAlpha, task);
        Membership comeBack = new Membership("alpha"); // the same instance id, a new epoch
        alive(comeBack);
        StatusStore asComeBack = new StatusStore(redis.client(), new RedisScripts(redis.client()), KEYS, 50, comeBack,
                MAX_DELIVERIES);

        ClaimResult again = claim(asComeBack, task);

        assertEquals(Claim.CLAIMED, again.decision(), "the old epoch's claim is dead: its run was fenced");
        assertNotEquals(old.token(), again.token());
        assertEquals("1", redis.hash(task.taskId()).get("crashes"));
    }

    @Test
    void aRunRequeuedWithoutADecisionCountsTowardMaxDeliveries() {
        Tasks task = aTask();
        claim(asAlpha, task);
        redis.client().getBucket(KEYS.claim(task.taskId())).delete(); // requeued as an orphan or handed back

        ClaimResult next = claim(asBeta, task);

        assertEquals(Claim.CLAIMED, next.decision());
        assertEquals("1", redis.hash(task.taskId()).get("crashes"), "its status was still mid-run");
    }

    @Test
    void aTaskWhoseRunsKeepEndingWithoutADecisionIsPoisonWithItsClaimHeld() {
        Tasks task = aTask();
        claim(asAlpha, task);
        ClaimResult result = null;
        for (int i = 0; i < MAX_DELIVERIES; i++) {
            result = claim(i % 2 == 0 ? asBeta : asAlpha, task); // each owner dead when the other claims
        }

        assertEquals(Claim.POISON, result.decision());
        assertEquals(result.token(), claimValue(task), "held for the dead letter's fenced write");
        assertEquals(String.valueOf(MAX_DELIVERIES), redis.hash(task.taskId()).get("crashes"));
    }

    @Test
    void aFailedTaskPushedAgainStartsAfreshAndLosesItsDeadLetter() {
        Tasks task = aTask();
        setStatus(task, "status", "failed", "attempts", "5", "crashes", "2");
        redis.client().getMap(KEYS.deadLetters(), StringCodec.INSTANCE).put(task.taskId(), "{}");

        ClaimResult result = claim(asAlpha, task);

        assertEquals(Claim.CLAIMED, result.decision());
        assertEquals(1, result.attempt());
        Map<String, String> hash = redis.hash(task.taskId());
        assertFalse(hash.containsKey("crashes"));
        assertFalse(redis.client().getMap(KEYS.deadLetters(), StringCodec.INSTANCE).containsKey(task.taskId()));
    }

    @Test
    void aStatusKeyOfAnotherTypeIsAnErrorAndNothingIsWritten() {
        Tasks task = aTask();
        redis.client().getBucket(KEYS.task(task.taskId()), StringCodec.INSTANCE).set("not a hash");

        RedisException error = assertThrows(RedisException.class, () -> claim(asAlpha, task));

        assertTrue(error.getMessage().contains("WRONGTYPE"), error.getMessage());
        assertFalse(redis.exists(KEYS.claim(task.taskId())), "no claim");
        assertFalse(redis.exists(KEYS.history(task.taskId())), "no history");
        assertEquals("not a hash", redis.client().getBucket(KEYS.task(task.taskId()), StringCodec.INSTANCE).get());
    }
}

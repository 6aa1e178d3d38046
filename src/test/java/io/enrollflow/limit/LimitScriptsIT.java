package io.enrollflow.limit;

import io.enrollflow.config.LimitSettings.Rate;
import io.enrollflow.pipeline.HoldBack;
import io.enrollflow.queue.InFlight;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.retry.Backoff;
import io.enrollflow.retry.RetrySchedule;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits' scripts against a real Redis, at their boundaries (docs/contract.md §12). */
class LimitScriptsIT {

    private static final String INSTANCE = "limits-test";
    private static final String PROCESSING = RedisKeys.defaults().processing(INSTANCE);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private final RedisKeys keys = RedisKeys.defaults();
    private RedisScripts scripts;
    private StatusStore status;
    private LimitGate gate;

    @BeforeEach
    void stores() {
        scripts = new RedisScripts(redis.client());
        status = new StatusStore(redis.client(), scripts, keys, 50, INSTANCE, 5);
        gate = new LimitGate(status, new LimitMetrics(() -> 0, () -> 0));
    }

    private long rateCall(int calls, Duration window, String id) {
        return scripts.integer(Script.RATE_LIMIT, List.of(keys.enrollRateLog()), calls, window.toNanos() / 1000, id);
    }

    @Test
    void theRateLimitGrantsNCallsPerWindowThenSaysWhenTheOldestLeavesIt() {
        for (int i = 1; i <= 5; i++) {
            assertEquals(0, rateCall(5, Duration.ofSeconds(1), "c" + i), "call " + i);
        }
        long wait = rateCall(5, Duration.ofSeconds(1), "c6");

        assertTrue(wait > 0 && wait <= 1_001, "the sixth waits for the first to leave the window: " + wait);
        assertEquals(5, redis.client().getScoredSortedSet(keys.enrollRateLog()).size(), "a refused call is not logged");
        await().atMost(Duration.ofSeconds(10)).until(() -> rateCall(5, Duration.ofSeconds(1), "c7") == 0);
    }

    @Test
    void aRateLimitedCallWaitsInPlaceWhenTheWindowFreesSoon() {
        EnrollmentRateLimit limit = new EnrollmentRateLimit(context(INSTANCE), new Rate(2, Duration.ofSeconds(1), "2/1s"),
                Duration.ZERO);
        TaskRun run = claimed(aTask());
        limit.await(run, limit::take);
        limit.await(run, limit::take);
        long started = System.nanoTime();

        limit.await(run, limit::take);

        assertTrue(System.nanoTime() - started > 100_000_000L, "the third call of the window waited");
        assertEquals("waiting for the enrollment rate limit (2/1s)", redis.hash(run.taskId()).get("message"));
        assertEquals("processing", redis.hash(run.taskId()).get("status"), "the status is kept");
    }

    @Test
    void aWaitLongerThanAFewSecondsIsNotSpentInPlace() {
        EnrollmentRateLimit limit = new EnrollmentRateLimit(context(INSTANCE), new Rate(1, Duration.ofMinutes(1), "1/1m"),
                Duration.ZERO);
        TaskRun run = claimed(aTask());
        limit.await(run, limit::take);

        LimitReachedException e = assertThrows(LimitReachedException.class, () -> limit.await(run, limit::take));

        assertEquals(Limit.ENROLL_RATE, e.limit());
        assertTrue(e.waitFor().compareTo(Duration.ofSeconds(50)) > 0, "waits for the window: " + e.waitFor());
    }

    @Test
    void downloadPermitsStopAtTheLimitAndComeBackWhenGivenBack() {
        DownloadPermits permits = new DownloadPermits(context(INSTANCE), 2, Duration.ofMinutes(1));
        DownloadPermits.Permit first = permits.acquire(claimed(aTask()));
        permits.acquire(claimed(aTask()));

        assertEquals(0, acquire("other|x|1", 2, 60_000), "a third is refused");
        assertEquals(2, permits.inUseAsync().join());
        first.close();
        // given back without the worker waiting for it: free as soon as Redis has it
        await().atMost(Duration.ofSeconds(5)).until(() -> acquire("other|x|1", 2, 60_000) == 1);
    }

    @Test
    void aLeaseNotRenewedLapsesAndOneRenewedDoesNot() {
        DownloadPermits renewed = new DownloadPermits(context("alive"), 2, Duration.ofMillis(600));
        renewed.acquire(claimed(aTask()));
        assertEquals(1, acquire("crashed|t|1", 2, 600), "the crashed instance's lease");
        assertEquals(0, acquire("third|t|1", 2, 60_000));

        // the living instance renews with its heartbeat; the crashed one does not
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            renewed.renew();
            return acquire("third|t|1", 2, 60_000) == 1;
        });
        renewed.renew();
        assertEquals(2, renewed.inUseAsync().join(), "the renewed lease and the new one");
        assertEquals(0, acquire("fourth|t|1", 2, 60_000), "the renewed lease still counts");
    }

    private long acquire(String member, int max, long leaseMillis) {
        return scripts.integer(Script.DOWNLOAD_PERMIT, List.of(keys.downloadPermits()), "acquire", max, leaseMillis, member);
    }

    private List<Object> reserve(String taskId, long bytes, long budget, long windowMillis) {
        return scripts.list(Script.UPLOAD_BUDGET, List.of(keys.uploadLog(), keys.uploadBytes(), keys.uploadTotal()),
                taskId, bytes, budget, windowMillis);
    }

    @Test
    void theUploadBudgetReservesUpToItsSizeAndALaterAttemptReplacesItsOwnReservation() {
        assertEquals(List.of(0L, 60L), reserve("a", 60, 100, 86_400_000));
        List<Object> refused = reserve("b", 50, 100, 86_400_000);
        assertTrue((Long) refused.get(0) > 86_000_000L, "b waits for a to leave the 24 h window: " + refused);
        assertEquals(List.of(0L, 100L), reserve("b", 40, 100, 86_400_000), "exactly the budget fits");
        assertEquals(List.of(0L, 95L), reserve("a", 55, 100, 86_400_000), "a's second attempt replaces its 60");
    }

    @Test
    void theUploadBudgetFreesAsReservationsLeaveTheWindow() {
        assertEquals(0L, reserve("a", 80, 100, 1_000).get(0));
        assertTrue((Long) reserve("b", 80, 100, 1_000).get(0) > 0);

        await().atMost(Duration.ofSeconds(10)).until(() -> (Long) reserve("b", 80, 100, 1_000).get(0) == 0);
        assertEquals("80", redis.client().getBucket(keys.uploadTotal(), org.redisson.client.codec.StringCodec.INSTANCE).get());
    }

    @Test
    void aTaskLargerThanTheWholeBudgetGoesAloneOnceTheWindowIsEmpty() {
        assertEquals(List.of(0L, 500L), reserve("huge", 500, 100, 86_400_000));
        assertTrue((Long) reserve("small", 1, 100, 86_400_000).get(0) > 0, "nothing more that day");
    }

    @Test
    void aDrivePauseIsOnlyEverLengthened() {
        DrivePause pause = new DrivePause(context(INSTANCE));
        pause.slowDown(Duration.ofSeconds(3), "429");
        long left = pause.left();
        assertTrue(left > 2_000 && left <= 3_000, "3 s pause: " + left);

        pause.slowDown(Duration.ofMillis(500), "429 again");
        assertTrue(pause.left() > 2_000, "a shorter pause does not cut it");
        pause.slowDown(Duration.ofSeconds(8), "Retry-After 8");
        assertTrue(pause.left() > 7_000, "a longer one extends it");
    }

    @Test
    void aCallDuringADrivePauseWaitsItOut() {
        DrivePause pause = new DrivePause(context(INSTANCE));
        pause.slowDown(Duration.ofMillis(1_500), "429");
        long started = System.nanoTime();

        pause.beforeCall();

        assertTrue(System.nanoTime() - started >= 1_000_000_000L, "waited for the pause");
        assertEquals(0, pause.left());
    }

    @Test
    void aHeldBackTaskKeepsItsStatusIsIgnoredWhenPushedAgainAndComesBackWithoutUsingAnAttempt() {
        Tasks task = aTask();
        TaskRun run = claimed(task);
        status.transition(run, io.enrollflow.status.TaskStatus.DOWNLOADING, Stage.DOWNLOAD, "downloading");
        HoldBack holdBack = new HoldBack(context(INSTANCE), status, new InFlight());

        holdBack.holdBack(failedWith(run, new LimitReachedException(Limit.DOWNLOAD_PERMITS,
                "waiting for a download permit (2 at once in the fleet)", Duration.ofMillis(10))));

        var hash = redis.hash(task.taskId());
        assertEquals("downloading", hash.get("status"), "the status is kept");
        assertEquals("waiting for a download permit (2 at once in the fleet)", hash.get("message"));
        assertEquals("1", hash.get("attempts"));
        assertTrue(redis.list(PROCESSING).isEmpty(), "released: it holds no worker");
        assertFalse(redis.exists(keys.claim(task.taskId())));
        assertEquals(StatusStore.Claim.WAITING, claimed(task, "a push while it is held").decision());

        RetrySchedule retries = new RetrySchedule(scripts, keys, status, new Backoff(Duration.ofSeconds(1), 2,
                Duration.ofSeconds(5)), 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> retries.moveDue() == 1);
        StatusStore.ClaimResult back = claimed(task, "back from the hold");
        assertEquals(StatusStore.Claim.CLAIMED, back.decision());
        assertEquals(1, back.attempt(), "the hold used no attempt");
        assertFalse(redis.hash(task.taskId()).containsKey("heldBack"));
    }

    @Test
    void aFencedRunsHoldBackWritesNothing() {
        Tasks task = aTask();
        TaskRun stale = claimed(task);
        stale.claimToken("1 another-instance 1");
        HoldBack holdBack = new HoldBack(context(INSTANCE), status, new InFlight());

        assertThrows(io.enrollflow.status.ClaimLostException.class, () -> holdBack.holdBack(failedWith(stale,
                new LimitReachedException(Limit.ENROLL_RATE, "waiting for the enrollment rate limit (1/1m)",
                        Duration.ofSeconds(30)))));

        assertTrue(stale.fenced());
        assertFalse(redis.hash(task.taskId()).containsKey("heldBack"));
        assertFalse(redis.client().getScoredSortedSet(keys.retries()).contains(task.taskId()));
        assertEquals(List.of(task.json()), redis.list(PROCESSING), "still the claim holder's to decide");
    }

    private TaskRun claimed(Tasks task) {
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        redis.client().getList(PROCESSING).add(task.json());
        run.taskId(task.taskId());
        StatusStore.ClaimResult claim = status.claim(run, "1007", task.courseUrl());
        run.attempt(claim.attempt());
        run.claimToken(claim.token());
        return run;
    }

    private StatusStore.ClaimResult claimed(Tasks task, String why) {
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        return status.claim(run, "1007", task.courseUrl());
    }

    private static Exchange failedWith(TaskRun run, Exception e) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(TaskRun.PROPERTY, run);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        return exchange;
    }

    private LimitContext context(String instanceId) {
        return new LimitContext(redis.client(), scripts, keys, gate, instanceId);
    }
}

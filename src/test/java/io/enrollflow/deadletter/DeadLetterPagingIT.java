package io.enrollflow.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RBatch;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.enrollflow.testing.Tasks.aTask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paging dead letters through their indexes (docs/contract.md §6 "listing costs one page"): pages and offsets, filters by
 * reason, stage and text, counts, the indexes kept by every script that writes or removes a record, replay and purge by
 * filter in batches, and the one-time indexing of records written before the indexes existed. Records are made by the
 * real store, as a failing run makes them, against a real Redis; no runtime consumes the queue.
 */
class DeadLetterPagingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROCESSING = RedisKeys.defaults().processing("paging-test");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private final RedisKeys keys = RedisKeys.defaults();
    private StatusStore status;
    private DeadLetterStore deadLetters;
    private ReplayService replays;

    @BeforeEach
    void stores() {
        RedisScripts scripts = new RedisScripts(redis.client());
        status = new StatusStore(redis.client(), scripts, keys, 50, "paging-test", 5);
        deadLetters = new DeadLetterStore(redis.client(), scripts, keys, status, 1_000_000);
        replays = new ReplayService(scripts, keys, status, deadLetters);
    }

    /** A task claimed and dead-lettered by the real stores. */
    private Tasks deadLettered(Tasks task, Stage stage, FailureReason reason, String message) {
        TaskRun run = new TaskRun(task.json(), PROCESSING);
        run.taskId(task.taskId());
        run.claimToken(status.claim(run, "1007", task.courseUrl()).token());
        deadLetters.record(run, stage, reason, message);
        return task;
    }

    private Tasks deadLettered(Stage stage, FailureReason reason) {
        return deadLettered(aTask(), stage, reason, "it failed");
    }

    private static List<String> ids(DeadLetterPage page) {
        return page.records().stream().map(DeadLetter::taskId).toList();
    }

    private List<String> indexNewestFirst(String index) {
        return redis.client().<String>getScoredSortedSet(index, StringCodec.INSTANCE).valueRangeReversed(0, -1)
                .stream().map(String::valueOf).toList();
    }

    /** Every index of one reason, stage and pair, with the main one: where a record of them is listed. */
    private List<String> indexesOf(Stage stage, FailureReason reason) {
        return List.of(keys.deadLetterIndex(), keys.deadLetterIndex(null, reason.word()),
                keys.deadLetterIndex(stage.word(), null), keys.deadLetterIndex(stage.word(), reason.word()));
    }

    private void assertListedIn(String taskId, List<String> indexes) {
        for (String index : indexes) {
            assertTrue(indexNewestFirst(index).contains(taskId), taskId + " is listed in " + index);
        }
    }

    private void assertListedNowhere(String taskId) {
        for (String index : redis.keys("enrollflow:dead-letters:*")) {
            if (!index.equals(keys.deadLetterPayloads()) && !index.equals(keys.deadLetterIndexesBuilt())) {
                assertFalse(indexNewestFirst(index).contains(taskId), taskId + " is still listed in " + index);
            }
        }
    }

    @Test
    void pagesFollowOneAnotherWithoutGapsOrRepeatsAndCountEveryRecord() {
        for (int i = 0; i < 25; i++) {
            deadLettered(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE);
        }

        DeadLetterPage first = deadLetters.page(DeadLetterFilter.ALL, 0, 10);
        DeadLetterPage second = deadLetters.page(DeadLetterFilter.ALL, 10, 10);
        DeadLetterPage last = deadLetters.page(DeadLetterFilter.ALL, 20, 10);
        DeadLetterPage past = deadLetters.page(DeadLetterFilter.ALL, 25, 10);

        assertEquals(List.of(10, 10, 5, 0), List.of(first.records().size(), second.records().size(),
                last.records().size(), past.records().size()));
        List<String> paged = new ArrayList<>(ids(first));
        paged.addAll(ids(second));
        paged.addAll(ids(last));
        assertEquals(indexNewestFirst(keys.deadLetterIndex()), paged, "the pages, in turn, are the listing newest first");
        for (DeadLetterPage page : List.of(first, second, last, past)) {
            assertEquals(25, page.total());
        }
        assertEquals(new DeadLetterPage(List.of(), 25, 25, 10).offset(), past.offset());
        assertEquals(10, past.limit());
    }

    @Test
    void theNewestFailureComesFirst() {
        List<String> inOrder = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long before = System.currentTimeMillis();
            // distinct failure times: wait for the clock's next millisecond
            await().until(() -> System.currentTimeMillis() > before);
            inOrder.add(deadLettered(Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED).taskId());
        }

        assertEquals(List.of(inOrder.get(2), inOrder.get(1), inOrder.get(0)),
                ids(deadLetters.page(DeadLetterFilter.ALL, 0, 10)));
        assertEquals(List.of(inOrder.get(1)), ids(deadLetters.page(DeadLetterFilter.ALL, 1, 1)));
    }

    @Test
    void filtersByReasonStageAndBothListAndCountOnlyTheirRecords() {
        Set<String> unavailable = new HashSet<>();
        Set<String> downloadFailed = new HashSet<>();
        Set<String> deliverUnavailable = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            unavailable.add(deadLettered(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE).taskId());
            downloadFailed.add(deadLettered(Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED).taskId());
        }
        deliverUnavailable.add(deadLettered(Stage.DELIVER, FailureReason.ENROLLMENT_UNAVAILABLE).taskId());

        DeadLetterFilter byReason = new DeadLetterFilter("enrollment_unavailable", null, null);
        DeadLetterFilter byStage = new DeadLetterFilter(null, "download", "");
        DeadLetterFilter byBoth = new DeadLetterFilter("enrollment_unavailable", "deliver", null);
        Set<String> reasonExpected = new HashSet<>(unavailable);
        reasonExpected.addAll(deliverUnavailable);

        assertEquals(reasonExpected, Set.copyOf(ids(deadLetters.page(byReason, 0, 100))));
        assertEquals(downloadFailed, Set.copyOf(ids(deadLetters.page(byStage, 0, 100))));
        assertEquals(deliverUnavailable, Set.copyOf(ids(deadLetters.page(byBoth, 0, 100))));
        assertEquals(5, deadLetters.page(byReason, 0, 2).total());
        assertEquals(5, deadLetters.count(byReason));
        assertEquals(4, deadLetters.count(byStage));
        assertEquals(1, deadLetters.count(byBoth));
        assertEquals(9, deadLetters.count(DeadLetterFilter.ALL));
        assertEquals(0, deadLetters.count(new DeadLetterFilter("poison", "enroll", null)));

        Map<String, Long> byReasonCounts = deadLetters.countByReason();
        assertEquals(5L, byReasonCounts.get("enrollment_unavailable"));
        assertEquals(4L, byReasonCounts.get("download_failed"));
        assertEquals(0L, byReasonCounts.get("poison"));
        assertEquals(FailureReason.values().length, byReasonCounts.size(), "every reason, zeros included");
    }

    @Test
    void aTextFindsTaskIdOrderIdMessageOrPayloadWhateverTheCase() {
        Tasks byId = deadLettered(aTask().id("Needle-7"), Stage.ENROLL, FailureReason.ENROLLMENT_REJECTED, "no");
        Tasks byOrder = deadLettered(aTask().orderId("ORDER-needle"), Stage.ENROLL, FailureReason.ENROLLMENT_REJECTED, "no");
        Tasks byMessage = deadLettered(aTask(), Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED, "exit 3: NEEDLE missing");
        Tasks byPayload = deadLettered(aTask().with("coupon", "needle-2026"), Stage.DOWNLOAD,
                FailureReason.DOWNLOAD_FAILED, "exit 1");
        deadLettered(aTask(), Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED, "exit 1");

        DeadLetterPage page = deadLetters.page(new DeadLetterFilter(null, null, "nEeDlE"), 0, 10);

        assertEquals(Set.of(byId.taskId(), byOrder.taskId(), byMessage.taskId(), byPayload.taskId()),
                Set.copyOf(ids(page)));
        assertEquals(4, page.total(), "the scan reached the end: the total is exact");
        assertEquals(2, deadLetters.page(new DeadLetterFilter("download_failed", null, "needle"), 0, 10).total(),
                "a text within a reason");
        assertEquals(List.of(ids(page).get(1)),
                ids(deadLetters.page(new DeadLetterFilter(null, null, "needle"), 1, 1)), "offsets count matches only");
        assertEquals(4, deadLetters.count(new DeadLetterFilter(null, null, "NEEDLE")));
    }

    /** Records as a version without the per-reason and per-stage indexes wrote them: the record and the main index. */
    private List<String> preUpgradeRecords(int count, String reason, String stage, String messagePrefix) {
        RBatch batch = redis.client().createBatch();
        List<String> ids = new ArrayList<>();
        long at = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli();
        for (int i = 0; i < count; i++) {
            String id = "old-" + reason + "-" + i;
            ObjectNode record = JSON.createObjectNode();
            record.put("taskId", id);
            record.set("task", JSON.createObjectNode().put("taskId", id).put("orderId", "9" + i));
            record.put("stage", stage);
            record.put("reason", reason);
            record.put("message", messagePrefix + " " + i);
            record.put("attempts", 3);
            record.put("firstFailedAt", Instant.ofEpochMilli(at + i).toString());
            record.put("lastFailedAt", Instant.ofEpochMilli(at + i).toString());
            record.put("replays", 0);
            batch.getMap(keys.deadLetters(), StringCodec.INSTANCE).fastPutAsync(id, record.toString());
            batch.getMap(keys.deadLetterPayloads(), StringCodec.INSTANCE).fastPutAsync(id, record.path("task").toString());
            batch.getScoredSortedSet(keys.deadLetterIndex(), StringCodec.INSTANCE).addAsync(at + i, id);
            ids.add(id);
        }
        batch.execute();
        return ids;
    }

    @Test
    void recordsWrittenBeforeTheIndexesExistedAreFiledOnceAndThenListByReason() {
        List<String> old = preUpgradeRecords(1_100, "download_timeout", "download", "ran too long");
        DeadLetterFilter byReason = new DeadLetterFilter("download_timeout", null, null);
        assertEquals(0, deadLetters.count(byReason), "not indexed yet");

        assertEquals(1_100, deadLetters.indexExisting());

        assertEquals(1_100, deadLetters.count(byReason));
        assertEquals(1_100, deadLetters.count(new DeadLetterFilter("download_timeout", "download", null)));
        assertEquals(old.get(1_099), ids(deadLetters.page(byReason, 0, 1)).get(0), "the newest first, by lastFailedAt");
        assertEquals(0, deadLetters.indexExisting(), "once: the marker says it is done");
    }

    @Test
    void aStartingRuntimeFilesTheRecordsOfAnOlderVersion() throws Exception {
        preUpgradeRecords(300, "enrollment_rejected", "enroll", "course not found");

        // no enrollment API: the runtime only starts, with nothing on its queue
        try (Pipeline runtime = new Pipeline(redis, "http://127.0.0.1:9/api/v1/enroll")) {
            runtime.start();
            Pipeline.await(Duration.ofSeconds(30)).until(() -> redis.exists(keys.deadLetterIndexesBuilt()));
        }

        assertEquals(300, deadLetters.count(new DeadLetterFilter("enrollment_rejected", "enroll", null)));
        assertEquals(300, deadLetters.page(new DeadLetterFilter(null, "enroll", null), 0, 10).total());
    }

    @Test
    void aTextScanStopsAtItsBoundAndSaysTheTotalIsUnknown() {
        preUpgradeRecords(DeadLetterStore.TEXT_SCAN_LIMIT + 10, "download_failed", "download", "exit 1");
        deadLetters.indexExisting();

        DeadLetterPage bounded = deadLetters.page(new DeadLetterFilter(null, null, "exit 1"), 0, 5);
        assertEquals(5, bounded.records().size());
        assertEquals(-1, bounded.total(), "the newest " + DeadLetterStore.TEXT_SCAN_LIMIT + " were read, not the end");

        DeadLetterPage nothing = deadLetters.page(new DeadLetterFilter(null, null, "no such text"), 0, 5);
        assertEquals(List.of(), nothing.records());
        assertEquals(-1, nothing.total());
        assertEquals(DeadLetterStore.TEXT_SCAN_LIMIT + 10, deadLetters.count(new DeadLetterFilter(null, null, "EXIT 1")),
                "count reads them all");
    }

    @Test
    void replayRemovesTheRecordFromEveryIndex() {
        Tasks task = deadLettered(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE);
        Tasks other = deadLettered(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE);
        assertListedIn(task.taskId(), indexesOf(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE));

        replays.replay(List.of(task.taskId()));

        assertListedNowhere(task.taskId());
        assertListedIn(other.taskId(), indexesOf(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE));
        assertEquals(1, deadLetters.count(new DeadLetterFilter("enrollment_unavailable", "enroll", null)));
    }

    @Test
    void purgeRemovesTheRecordFromEveryIndex() {
        Tasks task = deadLettered(Stage.DELIVER, FailureReason.DELIVERY_FAILED);

        replays.purge(List.of(task.taskId()));

        assertListedNowhere(task.taskId());
        assertEquals(0, deadLetters.count(new DeadLetterFilter("delivery_failed", null, null)));
    }

    @Test
    void aFailedTaskThatRunsAgainLeavesEveryIndexWhenItIsClaimed() {
        Tasks task = deadLettered(Stage.DOWNLOAD, FailureReason.DOWNLOAD_TIMEOUT);

        TaskRun again = new TaskRun(task.json(), PROCESSING);
        again.taskId(task.taskId());
        assertEquals(StatusStore.Claim.CLAIMED, status.claim(again, "1007", task.courseUrl()).decision());

        assertNull(deadLetters.get(task.taskId()));
        assertListedNowhere(task.taskId());
    }

    @Test
    void aTaskDeadLetteredAgainIsListedUnderItsNewReasonOnly() {
        Tasks task = deadLettered(Stage.ENROLL, FailureReason.ENROLLMENT_UNAVAILABLE);

        TaskRun again = new TaskRun(task.json(), PROCESSING);
        again.taskId(task.taskId());
        deadLetters.record(again, Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED, "exit 2");

        assertEquals(0, deadLetters.count(new DeadLetterFilter("enrollment_unavailable", null, null)));
        assertEquals(0, deadLetters.count(new DeadLetterFilter(null, "enroll", null)));
        assertListedIn(task.taskId(), indexesOf(Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED));
        assertEquals(1, deadLetters.count(DeadLetterFilter.ALL));
    }

    @Test
    void replayByReasonWorksThroughManyBatchesOldestFirstAndLeavesTheOthers() {
        List<String> outage = preUpgradeRecords(1_200, "enrollment_unavailable", "enroll", "HTTP 503");
        List<String> rejected = preUpgradeRecords(40, "enrollment_rejected", "enroll", "course not found");
        deadLetters.indexExisting();
        List<String> heard = new ArrayList<>();

        long replayed = replays.replayMatching(new DeadLetterFilter("enrollment_unavailable", null, null),
                letter -> heard.add(letter.taskId()));

        assertTrue(1_200 > ReplayService.BATCH * 3, "several batches");
        assertEquals(1_200, replayed);
        assertEquals(outage, heard, "oldest first, each once");
        assertEquals(1_200, redis.llen(keys.queue()));
        assertEquals(0, deadLetters.count(new DeadLetterFilter("enrollment_unavailable", null, null)));
        assertEquals(0, deadLetters.count(new DeadLetterFilter(null, "enroll", "HTTP 503")));
        assertEquals(Set.copyOf(rejected), Set.copyOf(ids(deadLetters.page(DeadLetterFilter.ALL, 0, 100))));
    }

    @Test
    void replayByTextReplaysOnlyTheRecordsWithIt() {
        preUpgradeRecords(700, "download_failed", "download", "exit 1");
        List<String> needles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            needles.add(deadLettered(aTask(), Stage.DOWNLOAD, FailureReason.DOWNLOAD_FAILED, "quota needle").taskId());
        }
        deadLetters.indexExisting();

        assertEquals(3, replays.replayMatching(new DeadLetterFilter(null, "download", "NEEDLE")));

        assertEquals(700, deadLetters.count(DeadLetterFilter.ALL));
        needles.forEach(id -> assertNull(deadLetters.get(id)));
    }

    @Test
    void purgeOfEveryRecordWorksThroughManyBatches() {
        preUpgradeRecords(1_200, "download_failed", "download", "exit 1");
        deadLetters.indexExisting();
        Tasks fresh = deadLettered(Stage.ENROLL, FailureReason.ENROLLMENT_REJECTED);

        assertEquals(1_201, replays.purgeMatching(DeadLetterFilter.ALL));

        assertEquals(0, redis.client().getMap(keys.deadLetters()).size(), "no record left in the hash");
        assertEquals(0, deadLetters.count(DeadLetterFilter.ALL));
        assertEquals(0, deadLetters.count(new DeadLetterFilter("download_failed", "download", null)));
        assertListedNowhere(fresh.taskId());
        assertEquals("failed", redis.hash(fresh.taskId()).get("status"), "the status stays");
    }
}

package io.enrollflow.deadletter;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dead letters bounded by {@code enrollflow.deadletter.max-age} and {@code max-records} (docs/contract.md §14): the
 * oldest go first, with their task's status and history, from every index, so pages with offsets stay exact; each trim
 * is counted. Records are made by the real stores against a real Redis.
 */
class DeadLetterTrimIT {

    private static final String PROCESSING = RedisKeys.defaults().processing("trim-test");
    private static final Duration LONG = Duration.ofDays(180);

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private final RedisKeys keys = RedisKeys.defaults();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private RedisScripts scripts;
    private StatusStore status;
    private DeadLetterStore deadLetters;

    @BeforeEach
    void stores() {
        scripts = new RedisScripts(redis.client());
        status = new StatusStore(redis.client(), scripts, keys, 50, "trim-test", 5);
        deadLetters = new DeadLetterStore(redis.client(), scripts, keys, status, 1_000_000);
    }

    /** Dead-letters n tasks, alternating two stages and reasons; returns their ids, oldest first. */
    private List<String> deadLettered(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tasks task = aTask();
            TaskRun run = new TaskRun(task.json(), PROCESSING);
            run.taskId(task.taskId());
            run.claimToken(status.claim(run, "1007", task.courseUrl()).token());
            boolean even = i % 2 == 0;
            deadLetters.record(run, even ? Stage.ENROLL : Stage.DOWNLOAD,
                    even ? FailureReason.ENROLLMENT_UNAVAILABLE : FailureReason.DOWNLOAD_FAILED, "it failed");
            ids.add(task.taskId());
        }
        return ids;
    }

    private double trimmed(String why) {
        return metrics.counter("enrollflow.dead.letters.trimmed", "why", why).count();
    }

    /** Every record, paged through with the given page size, newest first. */
    private List<String> pagedThrough(DeadLetterFilter filter, int pageSize) {
        List<String> out = new ArrayList<>();
        for (int offset = 0; ; offset += pageSize) {
            DeadLetterPage page = deadLetters.page(filter, offset, pageSize);
            page.records().forEach(record -> out.add(record.taskId()));
            if (page.records().size() < pageSize) {
                return out;
            }
        }
    }

    private List<String> everyIndexedId() {
        List<String> out = new ArrayList<>();
        for (String index : redis.keys("enrollflow:dead-letters:*")) {
            if (!index.equals(keys.deadLetters()) && !index.equals(keys.deadLetterPayloads())
                    && !index.equals(keys.deadLetterIndexesBuilt())) {
                redis.client().<String>getScoredSortedSet(index, StringCodec.INSTANCE).readAll()
                        .forEach(id -> out.add(String.valueOf(id)));
            }
        }
        return out;
    }

    @Test
    void pastMaxRecordsTheOldestAreTrimmedFromEveryIndexAndPagesStayExact() {
        List<String> ids = deadLettered(250);
        List<String> kept = new ArrayList<>(ids.subList(70, 250));
        List<String> gone = ids.subList(0, 70);

        long[] round = new DeadLetterTrim(scripts, keys, LONG, 180, metrics).trimRound();

        assertEquals(0, round[0]);
        assertEquals(70, round[1]);
        assertEquals(70.0, trimmed("count"));
        assertEquals(0.0, trimmed("age"));
        java.util.Collections.reverse(kept); // listings are newest first
        assertEquals(kept, pagedThrough(DeadLetterFilter.ALL, 7), "pages of 7 with offsets: each kept record once");
        assertEquals(180, deadLetters.page(DeadLetterFilter.ALL, 0, 10).total());
        List<String> downloads = pagedThrough(new DeadLetterFilter("download_failed", "download", null), 9);
        assertEquals(kept.stream().filter(id -> ids.indexOf(id) % 2 == 1).toList(), downloads);
        assertEquals(90, deadLetters.count(new DeadLetterFilter("enrollment_unavailable", null, null)));
        for (String id : gone) {
            assertFalse(everyIndexedId().contains(id), id + " is still indexed");
            assertFalse(redis.exists(RedisExtension.TASK_PREFIX + id), "a trimmed task's status goes with its record");
            assertFalse(redis.exists(RedisExtension.TASK_PREFIX + id + ":history"));
            assertFalse(redis.client().getMap(keys.deadLetterPayloads(), StringCodec.INSTANCE).containsKey(id));
        }
        assertEquals("failed", redis.hash(kept.get(0)).get("status"), "a kept record's status stays");
    }

    @Test
    void recordsOlderThanMaxAgeAreTrimmedAndYoungerOnesKept() throws Exception {
        List<String> old = deadLettered(130);

        assertEquals(0, new DeadLetterTrim(scripts, keys, Duration.ofHours(1), 10_000, metrics).trimRound()[0]);
        Thread.sleep(1_100); // past the one-second max age, on Redis's clock as on this one
        List<String> young = deadLettered(3);
        long[] round = new DeadLetterTrim(scripts, keys, Duration.ofSeconds(1), 10_000, metrics).trimRound();

        assertTrue(round[0] >= 130, "every record older than the max age goes (in batches of 100): " + round[0]);
        assertEquals(round[0], (long) trimmed("age"));
        assertEquals(0.0, trimmed("count"));
        List<String> left = pagedThrough(DeadLetterFilter.ALL, 2);
        assertTrue(young.containsAll(left), "only records younger than the max age may be left: " + left);
        assertEquals(left.size(), deadLetters.page(DeadLetterFilter.ALL, 0, 10).total());
        for (String id : old) {
            assertFalse(everyIndexedId().contains(id), id + " is still indexed");
            assertFalse(redis.exists(RedisExtension.TASK_PREFIX + id));
        }
    }
}

package io.enrollflow.management;

import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running runtime's {@code /observe/metrics} (docs/contract.md §8) after real tasks: the time from a task's
 * {@code queuedAt} or first sight to its completion, a retry's wait included, and the instance's own heartbeat age.
 */
class TimeToCompleteIT {

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @RegisterExtension
    final Pipeline pipeline = new Pipeline(redis, api);

    private Scrape scrape() {
        return new Scrape(pipeline.runtime().camelContext().getRegistry().lookupByNameAndType("metrics", Metrics.class)
                .scrape());
    }

    @Test
    void theTimeToCompleteCountsFromTheTasksQueuedAt() throws Exception {
        pipeline.start();
        assertEquals(0.0, scrape().value("enrollflow_task_time_to_complete_seconds_count"), "a series before any task");
        Tasks task = aTask().with("queuedAt", Instant.now().minusSeconds(120).toString());

        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        Scrape scraped = scrape();
        assertEquals(1.0, scraped.value("enrollflow_task_time_to_complete_seconds_count"), scraped.toString());
        double sum = scraped.value("enrollflow_task_time_to_complete_seconds_sum");
        assertTrue(sum >= 120 && sum < 200, "from queuedAt two minutes ago: " + sum);
        assertEquals(0.0, scraped.value("enrollflow_task_time_to_complete_seconds_bucket", "le=\"60.0\""), scraped.toString());
        assertEquals(1.0, scraped.value("enrollflow_task_time_to_complete_seconds_bucket", "le=\"300.0\""));
    }

    @Test
    void withoutQueuedAtTheTimeToCompleteCountsFromTheFirstSightAndHoldsTheRetrysWait() throws Exception {
        pipeline.set("enrollflow.retry.initial-delay", "2s").set("enrollflow.retry.max-delay", "2s").start();
        Tasks task = aTask();
        api.answer(task.courseUrl(), Answer.status(503, "{\"message\":\"busy\"}"), Answer.success());

        pipeline.push(task);
        pipeline.awaitCompleted(task.taskId());

        Scrape scraped = scrape();
        assertEquals(1.0, scraped.value("enrollflow_task_time_to_complete_seconds_count"), scraped.toString());
        double sum = scraped.value("enrollflow_task_time_to_complete_seconds_sum");
        assertTrue(sum >= 1.5, "the retry's wait (about 2 s) is in it: " + sum);
        assertEquals("2", pipeline.status(task.taskId()).get("attempts"));
    }

    @Test
    void aLiveInstanceReportsItsOwnHeartbeatAge() throws Exception {
        pipeline.start();
        String instance = pipeline.runtime().instanceId();
        Pipeline.await(Pipeline.WAIT).until(() -> redis.exists(pipeline.keys().heartbeat(instance)));

        double age = scrape().value("enrollflow_instance_heartbeat_age_seconds", "instance=\"" + instance + "\"");

        assertTrue(age >= 0 && age < 30, "beats every few seconds: " + age);
    }
}

package io.enrollflow.queue;

import io.enrollflow.redis.RedisKeys;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.RedisExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue consumer's acknowledgement rule (docs/contract.md §7, "explicit decisions"), with the real redis-queue
 * component on a real Redis and a route standing in for the pipeline: only a run that intake ignored is acknowledged
 * without a decision; a claimed run that returns without one goes to the undecided handler (internal_error); a run
 * that fails without a recorded decision, or that was fenced, stays in the processing list.
 */
class AcknowledgementIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RedisKeys KEYS = RedisKeys.defaults();
    private static final String INSTANCE = "ack-test";

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();

    private CamelContext camel;
    private final List<String> undecided = new CopyOnWriteArrayList<>();
    private final AtomicInteger fenced = new AtomicInteger();

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    /** The consumer with one worker, running {@code step} for each task. */
    private void consume(Processor step) throws Exception {
        camel = new DefaultCamelContext();
        InFlight inFlight = new InFlight();
        inFlight.events(new QueueEvents() {
            @Override
            public void fenced() {
                fenced.incrementAndGet();
            }

            @Override
            public void recoveryFailed() {
            }
        });
        RedisQueueComponent component = QueueComponents.on(redis.client(), KEYS, INSTANCE, inFlight);
        component.setUndecided((run, where) -> undecided.add(run.raw() + " after " + where));
        camel.addComponent("redis-queue", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-queue:" + KEYS.queue() + "?concurrency=1&pollTimeout=200&shutdownTimeout=1000")
                        .routeId("pipeline").process(step);
            }
        });
        camel.start();
    }

    private static TaskRun run(org.apache.camel.Exchange exchange) {
        return exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
    }

    private static List<String> processing() {
        return redis.list(KEYS.processing(INSTANCE));
    }

    @Test
    void anIgnoredRunIsAcknowledged() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        consume(exchange -> {
            run(exchange).markIgnored();
            ran.incrementAndGet();
        });

        redis.lpush(KEYS.queue(), "{\"taskId\":\"dup\"}");

        await().atMost(WAIT).until(() -> ran.get() == 1 && processing().isEmpty());
        assertEquals(List.of(), undecided);
    }

    @Test
    void aClaimedRunThatDecidesNothingGoesToTheUndecidedHandlerAndIsNotAcknowledged() throws Exception {
        consume(exchange -> {
            run(exchange).taskId("skipped");
            run(exchange).claimToken("1 ack-test e");
        });

        redis.lpush(KEYS.queue(), "{\"taskId\":\"skipped\"}");

        await().atMost(WAIT).until(() -> undecided.size() == 1);
        assertTrue(undecided.get(0).startsWith("{\"taskId\":\"skipped\"} after route pipeline"), undecided.toString());
        assertEquals(List.of("{\"taskId\":\"skipped\"}"), processing(), "the handler's decision releases it, not the consumer");
    }

    @Test
    void aRunThatFailsWithoutADecisionStaysForRecovery() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        consume(exchange -> {
            ran.incrementAndGet();
            throw new IllegalStateException("Redis dropped the connection while the decision was written");
        });

        redis.lpush(KEYS.queue(), "{\"taskId\":\"cut-off\"}");

        await().atMost(WAIT).until(() -> ran.get() == 1);
        await().atMost(WAIT).until(() -> camel.getRoute("pipeline") != null && processing().size() == 1);
        assertEquals(List.of(), undecided, "a failure is not a silent return");
    }

    @Test
    void aFencedRunIsCountedAndNotAcknowledged() throws Exception {
        consume(exchange -> {
            run(exchange).taskId("stalled");
            run(exchange).claimToken("1 ack-test e");
            run(exchange).fence();
        });

        redis.lpush(KEYS.queue(), "{\"taskId\":\"stalled\"}");

        await().atMost(WAIT).until(() -> fenced.get() == 1);
        assertEquals(List.of("{\"taskId\":\"stalled\"}"), processing());
        assertEquals(List.of(), undecided);
    }
}

package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.status.Membership;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RBlockingDeque;
import org.redisson.api.queue.DequeMoveArgs;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reliable take, one loop per consumer thread ({@code concurrency} threads; parallelism must come from here,
 * since {@code threads} after a synchronous consumer gives none):
 * <ol>
 *   <li>fetch: {@code BLMOVE <queue> <processing list> RIGHT LEFT} (oldest first), blocking at most pollTimeout —
 *       unless the last task's completion already took the next one the same way, in its own script
 *       ({@link #nextQueue()}: one round trip per task fewer while the queue has a backlog);</li>
 *   <li>process: the route runs synchronously on this thread;</li>
 *   <li>acknowledge ({@link Acknowledgement}): a run that reached a decision (completed, retry scheduled,
 *       dead-lettered) was already removed from the processing list in that decision's Redis step; a run that intake
 *       ignored (a duplicate) is removed here; a claimed run that returned without a decision is an
 *       {@code internal_error} (the component's undecided handler); a fenced run writes nothing; a run that ended
 *       with an exception (its decision could not be recorded) is left in the processing list, so recovery puts it
 *       back on the queue — it is never dropped.</li>
 * </ol>
 * While Redis is unreachable the loop waits with backoff and logs once per outage, not once per attempt.
 * <p>
 * Paused intake ({@code intake pause}): the loop takes nothing and tasks in hand finish ({@link PauseWatch}).
 * <p>
 * Stopping (SIGTERM): no new task is taken, and the idle workers' fetches end at once ({@link Fetches}); the tasks in
 * hand may finish for {@code shutdownTimeout}; those still running then are interrupted (a download's process tree is
 * killed), those that still do not stop are fenced, and only then is everything this instance holds handed back to the
 * queue at once.
 */
public class RedisQueueConsumer extends DefaultConsumer {

    private static final Logger LOG = LogManager.getLogger(RedisQueueConsumer.class);
    /** Longest wait between fetch attempts while Redis is unreachable. */
    private static final long MAX_OUTAGE_BACKOFF_MS = 5_000;
    /** After interrupting the workers at shutdown, how long they may take to stop before their runs are fenced. */
    private static final long WORKER_STOP_GRACE_SECONDS = 10;

    private final RedisQueueEndpoint endpoint;
    private final AtomicBoolean outage = new AtomicBoolean();
    private final Acknowledgement acknowledgement;
    private ExecutorService executor;
    private volatile boolean running;
    private PauseWatch pause;
    private Fetches fetches;

    public RedisQueueConsumer(RedisQueueEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.acknowledgement = new Acknowledgement(endpoint, this::getExceptionHandler);
    }

    /** The list this instance's taken-but-undecided tasks sit in. */
    public String processingList() {
        return endpoint.getComponent().getKeys().processing(endpoint.getComponent().getInstanceId());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        fetches = new Fetches();
        RedisQueueComponent component = endpoint.getComponent();
        pause = new PauseWatch(component.getRedisson(), component.getKeys(), component.getInstanceId());
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "redis-queue-worker", endpoint.getConcurrency());
        for (int i = 0; i < endpoint.getConcurrency(); i++) {
            executor.execute(this::loop);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (executor != null) {
            // idle workers stop now, not when their BLMOVE would have timed out
            fetches.close();
            InFlight inFlight = endpoint.getComponent().getInFlight();
            executor.shutdown();
            if (!executor.awaitTermination(endpoint.getShutdownTimeout(), TimeUnit.MILLISECONDS)) {
                Event.warn(LOG).stage("shutdown").outcome("interrupting").kv("in_flight", inFlight.size())
                        .note("the shutdown timeout passed; their tasks go back to the queue").log();
                inFlight.startInterrupting();
                executor.shutdownNow();
                if (!executor.awaitTermination(WORKER_STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    // a worker that ignores its interrupt (stuck in a call) is fenced: the hand-back below deletes the
                    // claims, so whatever it writes later is refused by Redis
                    int fenced = inFlight.fenceAll();
                    Event.warn(LOG).stage("shutdown").outcome("fenced").kv("runs", fenced)
                            .note("workers did not stop; their runs are fenced and their tasks handed back").log();
                }
            }
            executor = null;
            Recovery recovery = endpoint.getComponent().getRecovery();
            if (recovery != null) {
                try {
                    long handedBack = recovery.handBack();
                    Event.info(LOG).stage("shutdown").outcome("handed-back").kv("tasks", handedBack).log();
                } catch (RedisException e) {
                    // Redis is unreachable: the tasks stay in the processing list; another instance reaps them
                    Event.warn(LOG).stage("shutdown").outcome("hand-back-failed").error(e.getMessage())
                            .note("another instance recovers them").log();
                }
            }
        }
        super.doStop();
    }

    private void loop() {
        RBlockingDeque<String> queue = endpoint.getComponent().getRedisson().getBlockingDeque(endpoint.getKey(), StringCodec.INSTANCE);
        String processing = processingList();
        long backoff = 100;
        while (running && isRunAllowed()) {
            String raw = null;
            long wait = 0;
            try {
                // a task that arrives is checked against a fresher copy of the pause flag anyway (below)
                if (pause.pausedBeforeFetch() || !leaseHeld()) {
                    // paused, or this instance may have been presumed dead (a stall): take nothing until the heartbeat
                    // says
                    wait = PauseWatch.PAUSE_CHECK_MS / 5;
                } else {
                    raw = fetches.move(queue, Duration.ofMillis(endpoint.getPollTimeout()),
                            DequeMoveArgs.pollLast().addFirstTo(processing));
                    if (outage.compareAndSet(true, false)) {
                        Event.info(LOG).stage("intake").outcome("redis-back").note("taking tasks again").log();
                    }
                    backoff = 100;
                }
            } catch (RedisException e) {
                if (outage.compareAndSet(false, true)) {
                    Event.warn(LOG).stage("intake").outcome("redis-unreachable").error(e.getMessage())
                            .note("retrying with backoff; nothing is lost").log();
                }
                wait = backoff;
                backoff = Math.min(backoff * 2, MAX_OUTAGE_BACKOFF_MS);
            }
            if (wait > 0) {
                if (!sleep(wait)) {
                    return;
                }
                continue;
            }
            if (raw != null && !pause.handedBack(raw, processing, endpoint.getKey())) {
                String next = process(raw, processing);
                // the completion took this worker's next task (already in the processing list); stopping, it stays
                // there for the hand-back
                while (next != null && running) {
                    next = process(next, processing);
                }
            }
        }
    }

    /** Runs one task; returns the next one when its completion took it (see {@link #nextQueue()}), else null. */
    private String process(String raw, String processing) {
        Exchange exchange = createExchange(false);
        TaskRun run = new TaskRun(raw, processing);
        run.takeNextFrom(this::nextQueue);
        exchange.setProperty(TaskRun.PROPERTY, run);
        exchange.getIn().setBody(raw);
        InFlight inFlight = endpoint.getComponent().getInFlight();
        run.started();
        inFlight.add(run);
        try {
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() == null && !run.decided() && !run.ignored() && !run.fenced()) {
                // a claimed run that decided nothing (an edited route skipped a step): internal_error
                try {
                    endpoint.getComponent().getUndecided().accept(run, acknowledgement.lastStep(exchange, run));
                } catch (RuntimeException e) {
                    exchange.setException(e);
                }
            }
            acknowledgement.acknowledge(exchange, run, raw, processing);
        } finally {
            run.ended();
            inFlight.remove(run);
            if (run.fenced() && running) {
                // fencing interrupted this thread to stop the run (a download): the next task must not inherit that
                Thread.interrupted();
            }
            releaseExchange(exchange, false);
        }
        return run.next();
    }

    /**
     * Where a completion may take this worker's next task from, in its own Redis step (one round trip instead of the
     * completion's and a BLMOVE's): the queue while the worker would fetch anyway; null while stopping, paused or
     * without the lease (the checks the loop makes before a fetch).
     */
    private String nextQueue() {
        return running && isRunAllowed() && !pause.paused() && leaseHeld() ? endpoint.getKey() : null;
    }

    private boolean leaseHeld() {
        Membership membership = endpoint.getComponent().getMembership();
        return membership == null || membership.leaseHeld();
    }

    private boolean sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

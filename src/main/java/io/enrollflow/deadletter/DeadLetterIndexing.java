package io.enrollflow.deadletter;

import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link DeadLetterStore#indexExisting()} once when the runtime starts, off the start-up path: the runtime starts
 * while Redis is unreachable (it connects when Redis is back), so the one-time indexing of records written before an
 * upgrade waits for Redis too, trying again every {@link #RETRY_SECONDS} seconds until it has run once. Until then a
 * listing by reason or stage misses those older records (the full listing has them: its index is older than this
 * version); nothing is lost.
 */
public final class DeadLetterIndexing implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterIndexing.class);
    /** Pause between tries while Redis is unreachable: the same order as the heartbeat, no log flood. */
    static final long RETRY_SECONDS = 5;

    private final DeadLetterStore deadLetters;
    private final ScheduledExecutorService timer;
    private boolean warned;

    private DeadLetterIndexing(DeadLetterStore deadLetters, ScheduledExecutorService timer) {
        this.deadLetters = deadLetters;
        this.timer = timer;
    }

    /** Schedules the indexing on this executor (one of the CamelContext's, stopped with it). */
    public static void start(DeadLetterStore deadLetters, ScheduledExecutorService timer) {
        timer.execute(new DeadLetterIndexing(deadLetters, timer));
    }

    @Override
    public void run() {
        try {
            deadLetters.indexExisting();
            timer.shutdown();
        } catch (RedisException unreachable) {
            // no task is involved: the indexing is tried again later; listings by reason or stage wait for it
            if (!warned) {
                LOG.warn("stage=dead-letter outcome=index-deferred error=\"{}\" note=\"older dead letters are filed under "
                        + "their reason and stage once Redis answers\"", unreachable.getMessage());
                warned = true;
            }
            if (!timer.isShutdown()) {
                timer.schedule(this, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
    }
}

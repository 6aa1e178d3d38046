package io.enrollflow.queue;

import org.redisson.api.RBlockingDeque;
import org.redisson.api.RFuture;
import org.redisson.api.queue.DequeMoveArgs;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers' blocking fetches in flight, so that a stopping instance ends its idle workers' waits at once rather than
 * after up to a poll timeout each (docs/contract.md §7). Cancelling a blocking command makes Redisson drop the
 * connection it waits on, so Redis forgets the wait and takes nothing for it; a fetch that Redis answered in the same
 * moment left its task in the processing list, which the stop hands back with the rest.
 */
final class Fetches {

    private final Set<RFuture<String>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * One {@code BLMOVE}, as the synchronous call: the task, or null after {@code timeout} or once {@link #close()}d;
     * a Redis failure throws as the synchronous call would.
     */
    String move(RBlockingDeque<String> queue, Duration timeout, DequeMoveArgs args) {
        RFuture<String> fetch = queue.moveAsync(timeout, args);
        pending.add(fetch);
        try {
            // registered before this read, so close() either sees the fetch or this sees closed
            if (closed) {
                fetch.cancel(true);
            }
            return fetch.toCompletableFuture().join();
        } catch (CancellationException e) {
            return null;
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        } finally {
            pending.remove(fetch);
        }
    }

    /** Ends every fetch in flight and every one started from now on. */
    void close() {
        closed = true;
        pending.forEach(fetch -> fetch.cancel(true));
    }
}

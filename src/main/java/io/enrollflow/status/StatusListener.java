package io.enrollflow.status;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Told of every transition once Redis recorded it (metrics, status callbacks). Called on the thread that made the
 * change, often a worker in the middle of a task: an implementation must return at once and must not throw.
 */
@FunctionalInterface
public interface StatusListener {

    /** Listens to nothing. */
    StatusListener NONE = change -> { };

    void changed(StatusChange change);

    /** Tells each of these in turn; one that throws (a bug) is logged and the others are still told. */
    static StatusListener all(List<StatusListener> listeners) {
        List<StatusListener> copy = List.copyOf(listeners);
        Logger log = LoggerFactory.getLogger(StatusListener.class);
        return change -> {
            for (StatusListener listener : copy) {
                try {
                    listener.changed(change);
                } catch (RuntimeException e) {
                    // the transition is recorded in Redis already; a listener's bug must not fail the task
                    log.warn("task={} stage=status outcome=listener-failed status={} error=\"{}\"",
                            change.taskId(), change.status().word(), e.toString());
                }
            }
        };
    }
}

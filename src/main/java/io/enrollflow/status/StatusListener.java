package io.enrollflow.status;

import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;


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
        Logger log = LogManager.getLogger(StatusListener.class);
        return change -> {
            for (StatusListener listener : copy) {
                try {
                    listener.changed(change);
                } catch (RuntimeException e) {
                    // the transition is recorded in Redis already; a listener's bug must not fail the task
                    Event.warn(log).task(change.taskId()).stage("status").outcome("listener-failed")
                            .kv("status", change.status().word()).error(e.toString()).log();
                }
            }
        };
    }
}

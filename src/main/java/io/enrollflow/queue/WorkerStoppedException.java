package io.enrollflow.queue;

/**
 * A run interrupted because the instance is stopping: no decision is recorded for it, and the task goes back to the
 * queue with the instance's hand-back (it is neither retried nor dead-lettered).
 */
public class WorkerStoppedException extends RuntimeException {

    public WorkerStoppedException(String taskId, Throwable cause) {
        super("task " + taskId + " was interrupted by shutdown; it goes back to the queue", cause);
    }
}

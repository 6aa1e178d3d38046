package io.enrollflow.task;

/**
 * A failure that no retry can mend (a rejected enrollment, an invalid task, a missing Drive folder): the task is
 * dead-lettered at once with this reason and message.
 */
public class TaskFailedException extends RuntimeException {

    private final FailureReason reason;

    public TaskFailedException(FailureReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TaskFailedException(FailureReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }
}

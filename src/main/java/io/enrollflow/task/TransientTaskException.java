package io.enrollflow.task;

/**
 * A failure that may pass (a 503, a timeout, a refused connection, a download that broke off): the task is scheduled
 * for another attempt, and when its attempts run out it is dead-lettered with {@link #reasonWhenExhausted()}.
 */
public class TransientTaskException extends RuntimeException {

    private final FailureReason reasonWhenExhausted;

    public TransientTaskException(FailureReason reasonWhenExhausted, String message) {
        super(message);
        this.reasonWhenExhausted = reasonWhenExhausted;
    }

    public TransientTaskException(FailureReason reasonWhenExhausted, String message, Throwable cause) {
        super(message, cause);
        this.reasonWhenExhausted = reasonWhenExhausted;
    }

    public FailureReason reasonWhenExhausted() {
        return reasonWhenExhausted;
    }
}

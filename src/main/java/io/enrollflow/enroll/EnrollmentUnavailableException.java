package io.enrollflow.enroll;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TransientTaskException;

/** The enrollment API could not answer (408, 429, 5xx, an unexpected body): retried, then {@code enrollment_unavailable}. */
public class EnrollmentUnavailableException extends TransientTaskException {

    public EnrollmentUnavailableException(String message) {
        super(FailureReason.ENROLLMENT_UNAVAILABLE, message);
    }
}

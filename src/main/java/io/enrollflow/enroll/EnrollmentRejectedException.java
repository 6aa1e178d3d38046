package io.enrollflow.enroll;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TaskFailedException;

/** The enrollment API refused to enroll the buyer: no retry, the task fails with the API's message. */
public class EnrollmentRejectedException extends TaskFailedException {

    public EnrollmentRejectedException(String message) {
        super(FailureReason.ENROLLMENT_REJECTED, message);
    }
}

package io.enrollflow.download;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TaskFailedException;

/** The download still says "not enrolled" after enrolling again: no retry, {@code not_enrolled}. */
public class NotEnrolledException extends TaskFailedException {

    public NotEnrolledException(String message) {
        super(FailureReason.NOT_ENROLLED, message);
    }
}

package io.enrollflow.download;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TransientTaskException;

/** The command exited non-zero, or exited 0 without writing a file: retried, then {@code download_failed}. */
public class DownloadFailedException extends TransientTaskException {

    public DownloadFailedException(String message) {
        super(FailureReason.DOWNLOAD_FAILED, message);
    }
}

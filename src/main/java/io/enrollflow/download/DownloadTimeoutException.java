package io.enrollflow.download;

import io.enrollflow.task.FailureReason;
import io.enrollflow.task.TransientTaskException;

/** The command ran past enrollflow.download.timeout and was killed with its process tree: retried, then {@code download_timeout}. */
public class DownloadTimeoutException extends TransientTaskException {

    public DownloadTimeoutException(String message) {
        super(FailureReason.DOWNLOAD_TIMEOUT, message);
    }
}

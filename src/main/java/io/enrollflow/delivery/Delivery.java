package io.enrollflow.delivery;

import io.enrollflow.task.Task;

import java.nio.file.Path;

/**
 * A delivery target ({@code enrollflow.delivery.target}). Delivering the same task again (after a crash, a retry or a
 * replay) must not duplicate anything: it completes what an earlier delivery left unfinished.
 * <p>
 * Failures: throw {@link io.enrollflow.task.TransientTaskException} (reason {@code delivery_failed}) for what a later
 * attempt may mend, {@link io.enrollflow.task.TaskFailedException} for what needs the operator.
 */
public interface Delivery {

    /**
     * Delivers the files under {@code taskDir}.
     *
     * @param state the task's own durable notes (fields of its status hash), e.g. a Drive folder id, kept across attempts
     * @return the delivery URL recorded as the task's {@code deliveryUrl}
     */
    String deliver(Task task, Path taskDir, DeliveryState state) throws Exception;
}

package io.enrollflow.delivery;

import io.enrollflow.download.TaskTree;
import io.enrollflow.task.Task;

import java.nio.file.Path;
import java.time.Duration;

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

    /**
     * As {@link #deliver(Task, Path, DeliveryState)}, with the tree the delivery step walked a moment before (nothing
     * writes to the folder in between): a target that walks the folder may take it rather than walk it again.
     */
    default String deliver(Task task, Path taskDir, TaskTree tree, DeliveryState state) throws Exception {
        return deliver(task, taskDir, state);
    }

    /**
     * Begins delivering while the download runs (docs/contract.md §5): files the download is done with go up at once,
     * and {@link #deliver} after the download completes the rest. A target that cannot overlap answers
     * {@link Overlap#NONE}, which is the default.
     *
     * @param quietPeriod how long a file must stay unchanged before it is taken
     */
    default Overlap overlap(Task task, Path taskDir, DeliveryState state, Overlap.Run run, Duration quietPeriod) {
        return Overlap.NONE;
    }
}

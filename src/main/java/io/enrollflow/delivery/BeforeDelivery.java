package io.enrollflow.delivery;

import io.enrollflow.task.TaskRun;

import java.io.IOException;
import java.nio.file.Path;

/** What must let a task's delivery start: the fleet-wide limits of its target (io.enrollflow.limit). */
@FunctionalInterface
public interface BeforeDelivery {
    BeforeDelivery NONE = (run, taskDir) -> { };

    /** Returns when the delivery may start; throws to hold the task back or fail it (an I/O error: transient). */
    void await(TaskRun run, Path taskDir) throws IOException;
}

package io.enrollflow.queue;

import io.enrollflow.task.TaskRun;

/**
 * What the queue and recovery tell the metrics (docs/contract.md §8): runs fenced, recovery rounds that failed, runs
 * that completed their task.
 */
public interface QueueEvents {

    /** Nobody listening (tests, the CLI). */
    QueueEvents NONE = new QueueEvents() {
        @Override
        public void fenced() {
        }

        @Override
        public void recoveryFailed() {
        }
    };

    /** A run lost its claim and stopped without writing anything more. */
    void fenced();

    /** A heartbeat or a recovery round failed. */
    void recoveryFailed();

    /** A run completed its task ({@link TaskRun#completedAt()}), told once the run ended. */
    default void completed(TaskRun run) {
    }
}

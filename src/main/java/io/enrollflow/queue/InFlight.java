package io.enrollflow.queue;

import io.enrollflow.task.TaskRun;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs this instance is working on right now, and whether it is stopping. Shared by the consumer (which adds
 * and removes runs), {@link Recovery} (which must not requeue what is still being worked on) and the failure
 * handler (which must not decide a run that failed only because shutdown interrupted it).
 */
public class InFlight {

    private final Set<TaskRun> runs = ConcurrentHashMap.newKeySet();
    private volatile boolean interrupting;
    private volatile QueueEvents events = QueueEvents.NONE;

    /** Who is told of fenced runs, failed recovery rounds and completions (the metrics; set once while wiring). */
    public void events(QueueEvents events) {
        this.events = events == null ? QueueEvents.NONE : events;
    }

    public QueueEvents events() {
        return events;
    }

    /** Fences every run in hand (their claims may have been taken over); returns how many. */
    int fenceAll() {
        List<TaskRun> now = runs();
        now.forEach(TaskRun::fence);
        return now.size();
    }

    void add(TaskRun run) {
        runs.add(run);
    }

    /** The run ended; the events hear of it when it completed its task (the time to completion). */
    void remove(TaskRun run) {
        runs.remove(run);
        if (run.completedAt() > 0) {
            events.completed(run);
        }
    }

    public int size() {
        return runs.size();
    }

    /** True when a run of this task is in hand here. */
    public boolean holds(String taskId) {
        for (TaskRun run : runs) {
            if (taskId.equals(run.taskId())) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a run in hand other than {@code run}, of the same task, holds the claim {@code token} or is still
     * claiming (its token not yet known: its claim's reply may be a moment behind): claim.lua's 'own' then means "in
     * flight here", not "this claim was sent twice".
     */
    public boolean heldByAnother(TaskRun run, String token) {
        for (TaskRun other : runs) {
            if (other != run && run.taskId() != null && run.taskId().equals(other.taskId())
                    && (other.claimToken().isEmpty() || token.equals(other.claimToken()))) {
                return true;
            }
        }
        return false;
    }

    /** Snapshot of the runs in hand. */
    public List<TaskRun> runs() {
        return List.copyOf(runs);
    }

    /** Set when shutdown's grace period ran out and the remaining runs are being interrupted. */
    public boolean interrupting() {
        return interrupting;
    }

    void startInterrupting() {
        interrupting = true;
    }
}

package io.enrollflow.limit;

import io.enrollflow.download.TaskTree;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.task.TaskRun;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code enrollflow.drive.max-upload-per-day}: bytes the fleet uploads to Drive in a rolling 24 h stay under the
 * budget (docs/contract.md §12; Drive's own limit is 750 GB a day per user). Before a task's delivery, {@link #reserve} books
 * its folder's size (upload-budget.lua); a task that would pass the budget waits until enough of the last 24 h's
 * reservations have left the window. A later attempt of the same task replaces its reservation rather than adding
 * to it. The reservation is the whole folder, so a retry that only completes a partial upload is counted in full:
 * the budget errs on the safe side.
 */
public class UploadBudget {

    /** The rolling window. */
    static final Duration WINDOW = Duration.ofHours(24);

    private final LimitContext context;
    private final long budget;
    private final String message;

    /** @param budget bytes per rolling 24 h; 0 = no limit */
    public UploadBudget(LimitContext context, long budget, String setting) {
        this.context = context;
        this.budget = budget;
        this.message = "waiting for the daily Drive upload limit (" + setting + " per 24 h)";
    }

    /** Returns once the folder's bytes are booked; see {@link LimitGate#pass} for the long wait. */
    public void reserve(TaskRun run, Path taskDir) throws IOException {
        if (budget <= 0) {
            return;
        }
        long bytes = size(taskDir);
        String id = run.taskId();
        context.gate().pass(run, Limit.UPLOAD_BUDGET, message, () -> ((Number) context.scripts().list(Script.UPLOAD_BUDGET,
                List.of(context.keys().uploadLog(), context.keys().uploadBytes(), context.keys().uploadTotal()),
                id, bytes, budget, WINDOW.toMillis()).get(0)).longValue());
    }

    /** The bytes the delivery sends: the regular files of the task's tree (links and the like are left out). */
    static long size(Path dir) throws IOException {
        return TaskTree.scan(dir).files().stream().mapToLong(TaskTree.Entry::size).sum();
    }
}

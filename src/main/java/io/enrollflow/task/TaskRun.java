package io.enrollflow.task;

/**
 * One run of one task through the pipeline: what the queue consumer took (the raw payload and the processing list it
 * sits in until a decision), and what the routes learn on the way. Travels as the exchange property
 * {@link #PROPERTY}, which survives the header clearing before the enrollment call.
 * <p>
 * Lifecycle: taken (raw, processingList) → claimed (taskId, attempt) → validated (task) → decided: completed, retry
 * scheduled or dead-lettered, each of which releases it from the processing list in the same Redis step
 * ({@link #markDecided()}); a run that ends without a decision (Redis down while recording it) stays in the
 * processing list for recovery.
 */
public final class TaskRun {

    public static final String PROPERTY = "enrollflowRun";

    private final String raw;
    private final String processingList;
    private String taskId;
    private Task task;
    private int attempt;
    private Stage stage = Stage.INTAKE;
    private boolean decided;
    private boolean reEnrolled;
    private boolean enrolled;
    private String heldEnrolledAt;
    private String heldEnrolledMessage;
    private String downloadLogTail;

    public TaskRun(String raw, String processingList) {
        this.raw = raw;
        this.processingList = processingList;
    }

    public String raw() {
        return raw;
    }

    public String processingList() {
        return processingList;
    }

    /** The task id once known; null for a payload without a usable one. */
    public String taskId() {
        return taskId;
    }

    public void taskId(String taskId) {
        this.taskId = taskId;
    }

    /** The validated task; null until intake validated it. */
    public Task task() {
        return task;
    }

    public void task(Task task) {
        this.task = task;
    }

    public int attempt() {
        return attempt;
    }

    public void attempt(int attempt) {
        this.attempt = attempt;
    }

    public Stage stage() {
        return stage;
    }

    public void stage(Stage stage) {
        this.stage = stage;
    }

    /** True once the run reached a decision that released it from the processing list. */
    public boolean decided() {
        return decided;
    }

    public void markDecided() {
        this.decided = true;
    }

    /** True when enrollment is recorded for this task (this run's, or an earlier attempt's): no need to call again. */
    public boolean enrolled() {
        return enrolled;
    }

    public void enrolled(boolean enrolled) {
        this.enrolled = enrolled;
    }

    /**
     * This run's enrollment, known but not yet written: it is written together with the transition that follows it at
     * once (downloading), one Redis step instead of two. Null when nothing is held.
     */
    public String heldEnrolledAt() {
        return heldEnrolledAt;
    }

    public String heldEnrolledMessage() {
        return heldEnrolledMessage;
    }

    public void holdEnrolled(String at, String message) {
        this.heldEnrolledAt = at;
        this.heldEnrolledMessage = message;
    }

    /** The held enrollment was written. */
    public void releaseHeldEnrolled() {
        this.heldEnrolledAt = null;
        this.heldEnrolledMessage = null;
    }

    /** True once the download said "not enrolled" and the run enrolled again (that happens at most once). */
    public boolean reEnrolled() {
        return reEnrolled;
    }

    public void markReEnrolled() {
        this.reEnrolled = true;
    }

    /** The last 4 KiB of the download command's output, for a failure's dead-letter record; null if none ran. */
    public String downloadLogTail() {
        return downloadLogTail;
    }

    public void downloadLogTail(String tail) {
        this.downloadLogTail = tail;
    }
}

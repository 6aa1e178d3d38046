package io.enrollflow.task;

import java.util.function.Supplier;

/**
 * One run of one task through the pipeline: what the queue consumer took (the raw payload and the processing list it
 * sits in until a decision), and what the routes learn on the way. Travels as the exchange property
 * {@link #PROPERTY}, which survives the header clearing before the enrollment call.
 * <p>
 * Lifecycle: taken (raw, processingList) → claimed (taskId, attempt) → validated (task) → decided: completed, retry
 * scheduled or dead-lettered, each of which releases it from the processing list in the same Redis step
 * ({@link #markDecided()}); a run that ends without a decision (Redis down while recording it) stays in the
 * processing list for recovery. A run that intake ignored (a duplicate, a completed task) is {@link #ignored()}: the
 * only kind acknowledged without a decision.
 * <p>
 * Fencing: the claim gives the run a token ({@link #claimToken()}) that each of its writes presents; Redis refuses a
 * write whose token is no longer the claim's. When this instance learns its runs may have been taken over (its
 * heartbeat lapsed), it {@link #fence()}s them: the flag is set and the worker thread interrupted, which kills a
 * running download; every later write or stage boundary of the run then stops it.
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
    private String heldEnrolledAt;
    private String heldEnrolledMessage;
    private String downloadLogTail;
    private long waitingSince;
    private long completedAt;
    /** Asked when the run is acknowledged: the queue to take the worker's next task from, or null for none. */
    private Supplier<String> nextQueue = () -> null;
    private String next;
    private String claimToken = "";
    private boolean ignored;
    private volatile boolean fenced;
    /** The thread working on the run while it is in progress; null once it ended (then nothing is interrupted). */
    private Thread worker;

    public TaskRun(String raw, String processingList) {
        this.raw = raw;
        this.processingList = processingList;
    }

    /** The run's fencing token: the claim's value claim.lua handed out; empty while the run holds no claim. */
    public String claimToken() {
        return claimToken;
    }

    public void claimToken(String token) {
        this.claimToken = token == null ? "" : token;
    }

    /** True when the run holds a claim (a task id was read and claim.lua gave it a token). */
    public boolean claimed() {
        return !claimToken.isEmpty();
    }

    /** True when intake acknowledged the task without running it (completed, in flight elsewhere, waiting). */
    public boolean ignored() {
        return ignored;
    }

    public void markIgnored() {
        this.ignored = true;
    }

    /** True once this instance fenced the run: it must write nothing more. */
    public boolean fenced() {
        return fenced;
    }

    /** The run starts on the calling thread (the one {@link #fence()} interrupts). */
    public synchronized void started() {
        this.worker = Thread.currentThread();
    }

    /** The run is over: a later {@link #fence()} interrupts nothing. */
    public synchronized void ended() {
        this.worker = null;
    }

    /**
     * Fences the run: it lost (or may have lost) its claim. Interrupting its thread kills a running download
     * ({@code DownloadRunner} kills the tree when interrupted) and ends a wait; the run then stops at its next step.
     */
    public synchronized void fence() {
        this.fenced = true;
        if (worker != null && worker != Thread.currentThread()) {
            worker.interrupt();
        }
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

    /**
     * Lets the step that acknowledges the run (its completion) take the worker's next task in the same Redis step. The
     * supplier is asked at that moment (the consumer answers null while it is stopping, paused or without its lease).
     */
    public void takeNextFrom(Supplier<String> queue) {
        this.nextQueue = queue;
    }

    /** The queue the acknowledging step may take the next task from; null for none. */
    public String nextQueue() {
        return nextQueue.get();
    }

    /** The payload the acknowledging step took for this worker (now in its processing list); null when none. */
    public String next() {
        return next;
    }

    public void next(String raw) {
        this.next = raw;
    }

    /**
     * Since when the task has waited to be done (epoch ms): its {@code queuedAt}, else enrollflow's first sight of it
     * (its first claim); 0 while unknown. The time to completion counts from here.
     */
    public long waitingSince() {
        return waitingSince;
    }

    public void waitingSince(long epochMillis) {
        this.waitingSince = epochMillis;
    }

    /** When this run recorded the task completed (epoch ms); 0 when it did not. */
    public long completedAt() {
        return completedAt;
    }

    /** The run completed its task: a decision, at this moment. */
    public void markCompleted() {
        this.decided = true;
        this.completedAt = System.currentTimeMillis();
    }

    /** The last 4 KiB of the download command's output, for a failure's dead-letter record; null if none ran. */
    public String downloadLogTail() {
        return downloadLogTail;
    }

    public void downloadLogTail(String tail) {
        this.downloadLogTail = tail;
    }
}

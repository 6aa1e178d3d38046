package io.enrollflow.pipeline;

import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.StatusStore.ClaimResult;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TaskParser;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.function.BiPredicate;

/**
 * The first step of routes/pipeline.camel.yaml, for each payload taken from the queue:
 * <ol>
 *   <li>no usable task id → {@link TaskFailedException} ({@code invalid_task}; dead-lettered as {@code invalid-<n>});</li>
 *   <li>claim it (claim.lua, which hands the run its fencing token): a task whose runs kept ending without a decision
 *       is dead-lettered as {@code poison}; a completed task, one in flight elsewhere, or one waiting for its retry is
 *       acknowledged and ignored ({@link #CLAIMED_PROPERTY} false, {@link TaskRun#markIgnored()}: the only runs
 *       acknowledged without a decision);</li>
 *   <li>check every rule → {@link TaskFailedException} ({@code invalid_task}, with its status hash), or the validated
 *       {@link Task} on the run.</li>
 * </ol>
 */
public class TaskIntake {

    /** True when this run goes on to enrollment. */
    public static final String CLAIMED_PROPERTY = "enrollflowClaimed";
    /** True when an earlier attempt recorded the enrollment (the route skips the call). */
    public static final String ENROLLED_EARLIER_PROPERTY = "enrollflowEnrolledEarlier";
    /** The task's id, for log lines in the routes (a plain property: cheaper for the simple language than a method call). */
    public static final String TASK_ID_PROPERTY = "enrollflowTaskId";

    private static final Logger LOG = LogManager.getLogger(TaskIntake.class);

    private final TaskParser parser;
    private final StatusStore status;
    private final BiPredicate<TaskRun, String> heldByAnotherRun;

    /**
     * @param heldByAnotherRun whether another run in this instance (not the given one) holds the given claim token:
     *                         tells a task in flight here from a claim sent twice (claim.lua's 'own')
     */
    public TaskIntake(TaskParser parser, StatusStore status, BiPredicate<TaskRun, String> heldByAnotherRun) {
        this.parser = parser;
        this.status = status;
        this.heldByAnotherRun = heldByAnotherRun;
    }

    public void claim(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        exchange.setProperty(CLAIMED_PROPERTY, false);
        TaskParser.Peek peek = TaskParser.peek(run.raw());
        if (peek.taskId() == null) {
            throw new TaskFailedException(FailureReason.INVALID_TASK, peek.problem());
        }
        run.taskId(peek.taskId());
        exchange.setProperty(TASK_ID_PROPERTY, peek.taskId());
        ClaimResult claim = status.claim(run, peek.orderId(), peek.courseUrl());
        switch (claim.decision()) {
            case COMPLETED -> {
                run.markIgnored();
                Event.info(LOG).task(run.taskId()).stage("intake").outcome("ignored")
                        .note("already completed; acknowledged").log();
            }
            case IN_FLIGHT -> {
                run.markIgnored();
                Event.info(LOG).task(run.taskId()).stage("intake").outcome("ignored")
                        .note("already in flight; acknowledged").log();
            }
            case WAITING -> {
                run.markIgnored();
                Event.info(LOG).task(run.taskId()).stage("intake").outcome("ignored")
                        .note("waiting for its next attempt; acknowledged").log();
            }
            case POISON -> {
                run.claimToken(claim.token());
                run.attempt(claim.attempt());
                throw new TaskFailedException(FailureReason.POISON, "instances died while working on it, as many"
                        + " times as enrollflow.queue.max-deliveries allows; find what in it crashes the worker"
                        + " (its download log, the instance's last log lines) before replaying it");
            }
            case OWN -> {
                if (heldByAnotherRun.test(run, claim.token())) {
                    run.markIgnored();
                    Event.info(LOG).task(run.taskId()).stage("intake").outcome("ignored")
                            .note("already in flight here; acknowledged").log();
                } else {
                    // no worker here holds the claim: the client sent this claim again after losing the first reply
                    // (a failover), and the first one's writes are in Redis; the run takes its claim and goes on
                    Event.warn(LOG).task(run.taskId()).stage("intake").outcome("claim-adopted")
                            .note("the claim's first reply was lost").log();
                    claimed(exchange, run, peek, claim);
                }
            }
            case CLAIMED -> claimed(exchange, run, peek, claim);
        }
    }

    private void claimed(Exchange exchange, TaskRun run, TaskParser.Peek peek, ClaimResult claim) {
        run.claimToken(claim.token());
        run.attempt(claim.attempt());
        Task task = parser.parse(run.raw(), peek);
        run.task(task);
        exchange.setProperty(CLAIMED_PROPERTY, true);
        exchange.setProperty(ENROLLED_EARLIER_PROPERTY, claim.enrolled());
        Event.info(LOG).task(task.taskId()).stage("intake").outcome("taken").kv("attempt", claim.attempt())
                .kv("order", task.orderId()).email(task.email()).log();
        if (claim.enrolled()) {
            // pipeline.camel.yaml skips enrollment on this property
            Event.info(LOG).task(task.taskId()).stage("enroll").outcome("skipped").note("enrolled on an earlier attempt")
                    .log();
        }
    }
}

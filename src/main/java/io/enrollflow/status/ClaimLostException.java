package io.enrollflow.status;

/**
 * A run lost its claim on its task (docs/contract.md §7 "a claim is fenced"): its instance was presumed dead (a stall, a
 * partition) and the task was taken over, or it stopped. Thrown by a write that Redis refused because the claim holds
 * another fencing token, by a stage-boundary check, or by a run fenced in this instance. It carries no decision: the
 * run stops, writes nothing more about the task (no status, no retry, no dead letter, no acknowledgement) and is
 * counted as fenced; the task is the current claim holder's.
 */
public class ClaimLostException extends RuntimeException {

    public ClaimLostException(String taskId, String why) {
        super("task " + taskId + ": this run lost its claim (" + why + "); it stops and writes nothing more");
    }
}

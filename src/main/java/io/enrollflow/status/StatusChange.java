package io.enrollflow.status;

/**
 * One recorded transition of a task (docs/contract.md §3), as told to {@link StatusListener}s after Redis has it: the shape of
 * a status callback's JSON.
 *
 * @param taskId      the task id; null for a payload dead-lettered without a usable one (it has no status hash)
 * @param status      the new status
 * @param reason      why it failed or is retrying; null otherwise
 * @param message     what happened, "" when nothing to say
 * @param deliveryUrl where it was delivered (completed only); null otherwise
 * @param at          when it was recorded (ISO-8601 UTC, the {@code updatedAt} written with it)
 */
public record StatusChange(String taskId, TaskStatus status, String reason, String message, String deliveryUrl,
                           String at) {

    public StatusChange {
        message = message == null ? "" : message;
        reason = reason == null || reason.isEmpty() ? null : reason;
        deliveryUrl = deliveryUrl == null || deliveryUrl.isEmpty() ? null : deliveryUrl;
    }
}

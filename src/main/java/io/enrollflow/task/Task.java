package io.enrollflow.task;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One validated task, as the backend pushed it (docs/contract.md §2).
 *
 * @param taskId    the task's id ({@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}, so it is safe as a file name)
 * @param orderId   the order's id, or "" when absent
 * @param courseUrl an absolute http(s) URL
 * @param email     the buyer's address
 * @param quality   the requested quality (the setting's default when absent)
 * @param raw       the payload exactly as received (what a replay pushes back)
 * @param extra     unknown fields, kept so that they travel with the task
 */
public record Task(String taskId, String orderId, String courseUrl, String email, int quality, String raw,
                   Map<String, JsonNode> extra) {
}

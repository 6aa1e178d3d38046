package io.enrollflow.enroll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.task.Bounded;
import io.enrollflow.util.Json;

import java.util.regex.Pattern;

/**
 * The outcome table of docs/contract.md §4 as a pure function of the HTTP status and body.
 *
 * @param outcome {@link #ENROLLED}, {@link #REJECTED} or {@link #UNAVAILABLE}
 * @param message what the status and dead-letter record say
 */
public record EnrollmentAnswer(String outcome, String message) {

    public static final String ENROLLED = "enrolled";
    public static final String REJECTED = "rejected";
    public static final String UNAVAILABLE = "unavailable";

    /** How much of an error body a message quotes. */
    static final int BODY_EXCERPT = 200;

    private static final ObjectMapper JSON = Json.MAPPER;

    public static EnrollmentAnswer classify(int status, String body, Pattern alreadyEnrolled) {
        if (status >= 200 && status < 300) {
            return fromResult(status, body, alreadyEnrolled);
        }
        String excerpt = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + excerpt(body));
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return new EnrollmentAnswer(REJECTED, excerpt);
        }
        return new EnrollmentAnswer(UNAVAILABLE, excerpt);
    }

    private static EnrollmentAnswer fromResult(int status, String body, Pattern alreadyEnrolled) {
        JsonNode result;
        try {
            result = JSON.readTree(body == null ? "" : body).path("results").path(0);
        } catch (Exception notJson) {
            return new EnrollmentAnswer(UNAVAILABLE, "HTTP " + status + " with a body that is not JSON: " + excerpt(body));
        }
        JsonNode success = result.path("success");
        if (!success.isBoolean()) {
            return new EnrollmentAnswer(UNAVAILABLE,
                    "HTTP " + status + " without results[0].success: " + excerpt(body));
        }
        String message = message(result);
        if (success.asBoolean()) {
            return new EnrollmentAnswer(ENROLLED, message.isEmpty() ? "enrolled" : message);
        }
        if (alreadyEnrolled.matcher(message).find()) {
            return new EnrollmentAnswer(ENROLLED, message);
        }
        return new EnrollmentAnswer(REJECTED, message.isEmpty() ? "the enrollment API refused without a message" : message);
    }

    /** The API's own words: results[0].message, or .error. */
    private static String message(JsonNode result) {
        for (String field : new String[] {"message", "error"}) {
            JsonNode node = result.get(field);
            if (node != null && node.isValueNode() && !node.asText().isBlank()) {
                // what the status, the dead letter and the log keep of it is capped (docs/contract.md §10)
                return Bounded.message(node.asText().trim());
            }
        }
        return "";
    }

    private static String excerpt(String body) {
        // flattened from a bounded start: the body may be up to EnrollmentClient.MAX_ANSWER_BYTES
        String start = body == null ? "" : body.substring(0, Math.min(body.length(), BODY_EXCERPT * 4));
        String flat = start.replaceAll("\\s+", " ").trim();
        return flat.length() > BODY_EXCERPT ? flat.substring(0, BODY_EXCERPT) + "…" : flat;
    }
}

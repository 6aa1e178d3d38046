package io.enrollflow.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.util.Json;
import io.enrollflow.util.UnsafeText;
import io.enrollflow.util.WebUrls;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The intake rules of docs/contract.md §2, in two steps so that a bad payload still gets a status when it can:
 * {@link #peek(String)} finds a usable task id (none: the payload is dead-lettered as {@code invalid-<n>}), then
 * {@link #parse(String, Peek)} checks every other rule and builds the {@link Task}, or throws
 * {@link TaskFailedException} with reason {@code invalid_task} and a message naming the field.
 */
public final class TaskParser {

    /** Payloads over 64 KiB are not even parsed. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    public static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /**
     * The ids enrollflow generates for payloads without a usable task id (docs/contract.md §2): a task may not carry one, or
     * its status and its dead letter would be confused with such a record's.
     */
    static final Pattern RESERVED_ID = Pattern.compile("invalid-[0-9]+");
    static final int MAX_URL_LENGTH = 2048;
    /**
     * A syntactically valid address as the HTML standard defines it for {@code <input type=email>}: what the backend's
     * checkout form accepted. A regular expression rather than a library because the definition is this expression.
     */
    static final Pattern EMAIL = Pattern.compile(
            "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
                    + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_ORDER_ID_LENGTH = 128;

    private static final List<String> TASK_ID_NAMES = List.of("taskId", "id", "task_id");
    private static final List<String> COURSE_URL_NAMES = List.of("courseUrl", "course_url", "url");
    private static final List<String> EMAIL_NAMES = List.of("email", "customer_email");
    private static final List<String> ORDER_ID_NAMES = List.of("orderId", "order_id");
    private static final Set<String> KNOWN = Set.of("taskId", "id", "task_id", "courseUrl", "course_url", "url",
            "email", "customer_email", "orderId", "order_id", "quality");

    private static final ObjectMapper JSON = Json.MAPPER;

    private final int defaultQuality;
    private final Set<String> allowedHosts;

    /**
     * @param defaultQuality {@code enrollflow.download.quality}
     * @param allowedHosts   {@code enrollflow.task.allowed-hosts}, lower-case; empty accepts any host but those
     *                       {@link CourseHosts} refuses
     */
    public TaskParser(int defaultQuality, Set<String> allowedHosts) {
        this.defaultQuality = defaultQuality;
        this.allowedHosts = allowedHosts;
    }

    /**
     * A first look at a payload, before the rules: its usable task id (null when it has none, with the problem
     * saying why) and the orderId and courseUrl as given, for the status hash of a task about to be checked; and the
     * parsed payload, so that {@link #parse(String, Peek)} does not parse it again (null when it is not a JSON object).
     */
    public record Peek(String taskId, String problem, String orderId, String courseUrl, ObjectNode json) {
    }

    public static Peek peek(String raw) {
        if (raw == null || raw.length() > MAX_PAYLOAD_BYTES || raw.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            return new Peek(null, "the payload is over 64 KiB", "", "", null);
        }
        ObjectNode object = object(raw);
        if (object == null) {
            return new Peek(null, "the payload is not a JSON object", "", "", null);
        }
        JsonNode id = first(object, TASK_ID_NAMES);
        String text = id != null && (id.isTextual() || id.isIntegralNumber()) ? id.asText() : null;
        if (text == null || !TASK_ID.matcher(text).matches()) {
            return new Peek(null, "taskId is missing or not of the form " + TASK_ID.pattern(), "", "", object);
        }
        if (RESERVED_ID.matcher(text).matches()) {
            return new Peek(null, "taskId " + text + " is reserved: ids of the form invalid-<digits> name the records of "
                    + "unusable payloads", "", "", object);
        }
        JsonNode orderId = first(object, ORDER_ID_NAMES);
        JsonNode courseUrl = first(object, COURSE_URL_NAMES);
        return new Peek(text, null, orderId != null && orderId.isValueNode() ? orderId.asText() : "",
                courseUrl != null && courseUrl.isValueNode() ? courseUrl.asText() : "", object);
    }

    /** Checks every rule of a payload {@link #peek(String)} looked at (its parsed JSON is reused). */
    public Task parse(String raw, Peek peek) {
        if (peek.taskId() == null) {
            throw invalid(peek.problem());
        }
        ObjectNode object = peek.json();
        String taskId = peek.taskId();
        String courseUrl = courseUrl(text(object, COURSE_URL_NAMES, "courseUrl", true));
        String email = text(object, EMAIL_NAMES, "email", true);
        if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            throw invalid("email is not a valid address");
        }
        String orderId = text(object, ORDER_ID_NAMES, "orderId", false);
        if (orderId.length() > MAX_ORDER_ID_LENGTH || orderId.startsWith("-") || orderId.contains("/")
                || orderId.contains("\\") || orderId.contains("..") || orderId.chars().anyMatch(TaskParser::unsafeInText)) {
            // it may stand alone as a word of the download command (not an option there), name a Drive folder (no path
            // syntax) and be shown to an operator (nothing that moves the cursor or reorders the text)
            throw invalid("orderId must be at most " + MAX_ORDER_ID_LENGTH + " characters, not start with '-', and hold "
                    + "no '/', '\\', '..', control, line- or paragraph-separator or bidi-control characters");
        }
        int quality = quality(object.get("quality"));

        Map<String, JsonNode> extra = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> {
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), field.getValue());
            }
        });
        return new Task(taskId, orderId, courseUrl, email, quality, raw, extra);
    }

    /**
     * Control characters (C0, DEL, C1), U+2028/U+2029 and the bidirectional controls ({@link UnsafeText}): what
     * docs/contract.md §2's orderId rule refuses and what the CLI escapes before printing (docs/contract.md §10).
     */
    public static boolean unsafeInText(int c) {
        return UnsafeText.isUnsafe(c);
    }

    private String courseUrl(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            throw invalid("courseUrl is longer than " + MAX_URL_LENGTH + " characters");
        }
        if (url.startsWith("-")) {
            throw invalid("courseUrl starts with '-'");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("courseUrl is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (allowedHosts.isEmpty() && uri.getRawAuthority() != null
                && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            // docs/contract.md §10: with no list of the platform's hosts, nothing local or private; checked on the
            // authority too, so that a host java.net.URI does not read (127.1) is refused for what it is
            String host = uri.getHost() != null ? uri.getHost() : CourseHosts.hostOf(uri.getRawAuthority());
            String refusal = CourseHosts.refusal(host);
            if (refusal != null) {
                throw invalid("courseUrl host " + host + " is " + refusal + ": refused while "
                        + "enrollflow.task.allowed-hosts is empty (set it to the course platform's hosts)");
            }
        }
        if (!WebUrls.isHttp(uri)) {
            throw invalid("courseUrl must be an absolute http or https URL");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(host)) {
            throw invalid("courseUrl host " + host + " is not in enrollflow.task.allowed-hosts");
        }
        return url;
    }

    private int quality(JsonNode node) {
        if (node == null || node.isNull()) {
            return defaultQuality;
        }
        if (node.isIntegralNumber() && node.canConvertToInt() && node.asInt() > 0) {
            return node.asInt();
        }
        if (node.isTextual() && node.asText().matches("[1-9][0-9]{0,5}")) {
            return Integer.parseInt(node.asText());
        }
        throw invalid("quality must be a positive whole number");
    }

    private static String text(ObjectNode object, List<String> names, String label, boolean required) {
        JsonNode node = first(object, names);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            if (required) {
                throw invalid(label + " is missing");
            }
            return "";
        }
        if (!(node.isTextual() || node.isIntegralNumber())) {
            throw invalid(label + " must be a string");
        }
        return node.asText().trim();
    }

    private static JsonNode first(ObjectNode object, List<String> names) {
        for (String name : names) {
            JsonNode node = object.get(name);
            if (node != null) {
                return node;
            }
        }
        return null;
    }

    private static ObjectNode object(String raw) {
        try {
            JsonNode node = JSON.readTree(raw);
            return node instanceof ObjectNode object ? object : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    private static TaskFailedException invalid(String message) {
        return new TaskFailedException(FailureReason.INVALID_TASK, message);
    }
}

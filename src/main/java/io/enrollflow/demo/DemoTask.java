package io.enrollflow.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.util.Json;

import java.util.List;

/**
 * One of the demo's sample tasks: what is pushed onto the queue, and what the demo expects to become of it (a task that
 * ends otherwise makes the demo exit 1).
 *
 * @param quality   0 for none (the task then takes {@code enrollflow.download.quality})
 * @param completes whether the task should end {@code completed} (else {@code failed})
 * @param story     what the task shows, printed beside it
 */
public record DemoTask(String taskId, String orderId, String course, String email, int quality, boolean completes,
                       String story) {

    /** Where the sample course URLs point; the sample services never contact it. */
    public static final String COURSE_HOST = "courses.example.com";

    private static final ObjectMapper JSON = Json.MAPPER;

    /** The handful of tasks the demo pushes: four plain ones, one retried, one rejected on purpose. */
    public static List<DemoTask> samples() {
        return List.of(
                new DemoTask("demo-1", "1001", "java-101", "ana@example.com", 720, true,
                        "enrolled, downloaded, delivered"),
                new DemoTask("demo-2", "1002", "python-basics", "bruno@example.com", 1080, true,
                        "the same, at 1080p"),
                new DemoTask("demo-3", "1003", "sql-in-a-day", "dana@example.com", 0, true,
                        "no quality given: the default applies"),
                new DemoTask("demo-4", "1004", "docker-essentials", "carla@example.com", 720, true,
                        "buyer already enrolled: enrollflow goes on"),
                new DemoTask("demo-5", "1005", "no-such-course", "eve@example.com", 720, false,
                        "not in the catalogue: rejected on purpose"),
                new DemoTask("demo-6", "1006", "kotlin-coroutines", "farid@example.com", 720, true,
                        "enrollment service down at first: retried"));
    }

    public String courseUrl() {
        return "https://" + COURSE_HOST + "/course/" + course + "/";
    }

    /** The task JSON a producer would LPUSH (docs/contract.md §2). */
    public String json() {
        ObjectNode node = JSON.createObjectNode();
        node.put("taskId", taskId);
        node.put("orderId", orderId);
        node.put("courseUrl", courseUrl());
        node.put("email", email);
        if (quality > 0) {
            node.put("quality", quality);
        }
        return Json.write(node);
    }
}

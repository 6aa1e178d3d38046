package io.enrollflow.security;

import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.LogCapture;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §5 and §10: no task field reaches a shell or an extra argument; secrets and emails stay out of logs. */
class SecurityIT {

    static final String TOKEN = "tok-" + UUID.randomUUID();

    @RegisterExtension
    @Order(1)
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    @Order(2)
    static final EnrollmentApiStub api = EnrollmentApiStub.perClass();
    @RegisterExtension
    @Order(3)
    static final Pipeline pipeline = Pipeline.perClass(redis, api).set("enrollflow.enroll.token", TOKEN);
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @BeforeAll
    static void start() throws Exception {
        pipeline.start();
    }

    /** Each URL would run {@code touch MARKER} if it went through a shell ({@code $IFS} is a blank there). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://x.example.com/a;touch$IFS{marker}", "https://x.example.com/a$(touch$IFS{marker})",
            "https://x.example.com/a&&touch$IFS{marker}"})
    void shellSyntaxInACourseUrlStaysOneArgumentAndRunsNothing(String template) throws Exception {
        Path marker = Path.of("/tmp", "enrollflow-it-" + UUID.randomUUID());
        String courseUrl = template.replace("{marker}", marker.toString());
        pipeline.push(aTask().id("100").courseUrl(courseUrl));

        pipeline.awaitCompleted("100");

        List<String> argv = pipeline.download().argv();
        assertEquals(5, argv.size(), argv.toString());
        assertEquals(courseUrl, argv.get(1));
        assertFalse(Files.exists(marker), "a shell ran the course URL");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://x.example.com/a;touch {marker}", "https://x.example.com/a`touch {marker}`",
            "https://x.example.com/a`touch$IFS{marker}`", "https://x.example.com/a|touch$IFS{marker}"})
    void courseUrlThatIsNoUrlIsRefusedAndRunsNothing(String template) throws Exception {
        Path marker = Path.of("/tmp", "enrollflow-it-" + UUID.randomUUID());
        pipeline.push(aTask().id("101").courseUrl(template.replace("{marker}", marker.toString())));

        assertEquals("invalid_task", pipeline.awaitFailed("101").get("reason"));
        assertEquals(0, pipeline.download().calls());
        assertFalse(Files.exists(marker));
    }

    @Test
    void enrollmentTokenNeverAppearsInTheLogs() throws Exception {
        Tasks rejected = aTask().courseUrl("https://courses.example.com/rejected/");
        api.answer(rejected.courseUrl(), Answer.status(401, "{\"error\":\"bad token\"}"));
        Tasks ok = aTask();
        pipeline.push(ok);
        pipeline.push(rejected);

        pipeline.awaitCompleted(ok.taskId());
        pipeline.awaitFailed(rejected.taskId());

        assertEquals("Bearer " + TOKEN, api.requests().get(0).header("Authorization"));
        assertTrue(logs.text().contains("task=" + ok.taskId()), "the logs were captured");
        assertFalse(logs.text().contains(TOKEN), "the token was logged");
    }

    @Test
    void emailsAreMaskedInTheLogs() throws Exception {
        Tasks ok = aTask().email("buyer@example.com");
        Tasks rejected = aTask().email("buyer@example.com").courseUrl("https://courses.example.com/nope/");
        Tasks failing = aTask().email("buyer@example.com").courseUrl("https://courses.example.com/down/");
        api.answer(rejected.courseUrl(), Answer.rejected("course closed"));
        api.answer(failing.courseUrl(), Answer.status(500, "oops"));
        pipeline.push(ok);
        pipeline.push(rejected);
        pipeline.push(failing);

        pipeline.awaitCompleted(ok.taskId());
        pipeline.awaitFailed(rejected.taskId());
        Map<String, String> failed = pipeline.awaitFailed(failing.taskId());

        assertEquals("enrollment_unavailable", failed.get("reason"));
        assertTrue(logs.text().contains("b***@example.com"), "the masked form is logged");
        assertFalse(logs.text().contains("buyer@example.com"), "an email was logged in full");
    }

    @Test
    void emailsEchoedInTheApisMessageAreMaskedInTheLogs() throws Exception {
        Tasks task = aTask().email("carol.smith@example.org");
        api.answer(task.courseUrl(), Answer.rejected("No account found for carol.smith@example.org"));
        pipeline.push(task);

        Map<String, String> failed = pipeline.awaitFailed(task.taskId());

        assertEquals("No account found for carol.smith@example.org", failed.get("message"), "the status keeps the API's words");
        assertTrue(logs.text().contains("task=" + task.taskId()), "the logs were captured");
        assertFalse(logs.text().contains("carol.smith@example.org"), "an email was logged in full:\n" + logs.text());
    }
}

package io.enrollflow.enroll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.enrollflow.enroll.EnrollmentAnswer.ENROLLED;
import static io.enrollflow.enroll.EnrollmentAnswer.REJECTED;
import static io.enrollflow.enroll.EnrollmentAnswer.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §4's outcome table as a pure function of status and body. */
class EnrollmentAnswerTest {

    private static final Pattern ALREADY = Pattern.compile("(?i)already enrolled");

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(200, "{\"results\":[{\"success\":true,\"message\":\"ok\"}]}", ENROLLED),
                Arguments.of(201, "{\"results\":[{\"success\":true}]}", ENROLLED),
                Arguments.of(200, "{\"results\":[{\"success\":false,\"message\":\"User already enrolled\"}]}", ENROLLED),
                Arguments.of(200, "{\"results\":[{\"success\":false,\"message\":\"ALREADY ENROLLED in course\"}]}", ENROLLED),
                Arguments.of(200, "{\"results\":[{\"success\":false,\"message\":\"Course not found\"}]}", REJECTED),
                Arguments.of(200, "{\"results\":[{\"success\":false}]}", REJECTED),
                Arguments.of(400, "{\"error\":\"bad email\"}", REJECTED),
                Arguments.of(401, "", REJECTED),
                Arguments.of(403, "forbidden", REJECTED),
                Arguments.of(404, "not found", REJECTED),
                Arguments.of(422, "{}", REJECTED),
                Arguments.of(408, "", UNAVAILABLE),
                Arguments.of(429, "slow down", UNAVAILABLE),
                Arguments.of(500, "boom", UNAVAILABLE),
                Arguments.of(502, "<html>bad gateway</html>", UNAVAILABLE),
                Arguments.of(503, "", UNAVAILABLE),
                Arguments.of(200, "<html>maintenance</html>", UNAVAILABLE),
                Arguments.of(200, "", UNAVAILABLE),
                Arguments.of(200, "{\"results\":[]}", UNAVAILABLE),
                Arguments.of(200, "{\"results\":[{\"success\":\"true\"}]}", UNAVAILABLE),
                Arguments.of(200, "{\"ok\":true}", UNAVAILABLE),
                Arguments.of(0, null, UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("table")
    void classifiesEveryRowOfTheOutcomeTable(int status, String body, String outcome) {
        assertEquals(outcome, EnrollmentAnswer.classify(status, body, ALREADY).outcome());
    }

    @Test
    void rejectionCarriesTheApisOwnMessage() {
        EnrollmentAnswer answer = EnrollmentAnswer.classify(200,
                "{\"results\":[{\"success\":false,\"message\":\"  Course not found  \"}]}", ALREADY);

        assertEquals("Course not found", answer.message());
    }

    @Test
    void clientErrorMessageNamesTheStatusAndTheStartOfTheBody() {
        String body = "{\"error\":\"no such course\"," + "\"padding\":\"" + "x".repeat(1000) + "\"}";

        EnrollmentAnswer answer = EnrollmentAnswer.classify(404, body, ALREADY);

        assertTrue(answer.message().startsWith("HTTP 404"), answer.message());
        assertTrue(answer.message().contains("{\"error\":\"no such course\""), answer.message());
        assertTrue(answer.message().length() < 300, "only the start of the body: " + answer.message().length());
    }

    @Test
    void alreadyEnrolledPatternIsTheSettings() {
        Pattern custom = Pattern.compile("(?i)déjà inscrit");
        String body = "{\"results\":[{\"success\":false,\"message\":\"Déjà inscrit\"}]}";

        assertEquals(ENROLLED, EnrollmentAnswer.classify(200, body, custom).outcome());
        assertEquals(REJECTED, EnrollmentAnswer.classify(200, body, ALREADY).outcome());
    }
}

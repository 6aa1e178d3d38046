package io.enrollflow.demo;

import io.enrollflow.enroll.EnrollmentAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample service answers as docs/contract.md §4 describes, judged by enrollflow's own classifier. */
class SampleEnrollmentServiceIT {

    private static final Pattern ALREADY_ENROLLED = Pattern.compile("(?i)already enrolled");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SampleEnrollmentService service;

    @BeforeEach
    void start() {
        service = SampleEnrollmentService.start();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aCatalogueCourseIsEnrolled() throws Exception {
        EnrollmentAnswer answer = enroll("https://courses.example.com/course/java-101/", "ana@example.com");

        assertEquals(new EnrollmentAnswer(EnrollmentAnswer.ENROLLED, "enrolled"), answer);
    }

    @Test
    void aBuyerWhoHasTheCourseAlreadyGetsAnAnswerThatCountsAsEnrolled() throws Exception {
        enroll("https://courses.example.com/course/sql-in-a-day/", "dana@example.com");

        EnrollmentAnswer again = enroll("https://courses.example.com/course/sql-in-a-day/", "dana@example.com");
        EnrollmentAnswer seeded = enroll("https://courses.example.com/course/docker-essentials/", "carla@example.com");

        assertEquals(EnrollmentAnswer.ENROLLED, again.outcome());
        assertTrue(again.message().contains("Already enrolled"), again.message());
        assertEquals(EnrollmentAnswer.ENROLLED, seeded.outcome());
    }

    @Test
    void aCourseOutsideTheCatalogueIsRejectedWithTheServicesMessage() throws Exception {
        EnrollmentAnswer answer = enroll("https://courses.example.com/course/no-such-course/", "eve@example.com");

        assertEquals(new EnrollmentAnswer(EnrollmentAnswer.REJECTED, "course not found: no such course in the catalogue"),
                answer);
    }

    @Test
    void theWarmingUpCourseIsUnavailableOnceAndThenEnrolls() throws Exception {
        String url = "https://courses.example.com/course/" + SampleEnrollmentService.WARMING_UP_COURSE + "/";

        EnrollmentAnswer first = enroll(url, "farid@example.com");
        EnrollmentAnswer second = enroll(url, "farid@example.com");

        assertEquals(EnrollmentAnswer.UNAVAILABLE, first.outcome());
        assertTrue(first.message().startsWith("HTTP 502"), first.message());
        assertEquals(EnrollmentAnswer.ENROLLED, second.outcome());
    }

    @Test
    void aBodyWithoutUrlsAndEmailIsABadRequest() throws Exception {
        HttpResponse<String> response = post("{\"email\":\"ana@example.com\"}");

        assertEquals(400, response.statusCode());
    }

    private EnrollmentAnswer enroll(String courseUrl, String email) throws Exception {
        HttpResponse<String> response = post("{\"urls\":[\"" + courseUrl + "\"],\"email\":\"" + email + "\"}");
        return EnrollmentAnswer.classify(response.statusCode(), response.body(), ALREADY_ENROLLED);
    }

    private HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

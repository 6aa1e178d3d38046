package io.enrollflow.management;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.ConsoleClient;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing tokens is slowed (docs/contract.md §8), on the built jar with the default allowance: 60 wrong tokens in a
 * row from one address, on the API and on the console's sign-in, are answered 401 at first, then 429 with
 * {@code Retry-After}, during which even the right token is not looked at; after the wait the right token works. The
 * log holds a line or two about it, not sixty, and no token. The jar's token is random hex holding {@code 1234} and
 * {@code 0000}, which start-up accepts; three guessable tokens stop start-up.
 */
class GuessingIT {

    private static final String TOKEN = "3f9a1234c7e0b6d80000e5a2c9f1b7d4";
    private static final int GUESSES = 60;

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @TempDir
    Path dir;

    private final int port = BundledRedis.freePort();
    private EnrollflowJar.Running running;
    private Path output;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private EnrollflowJar jar() {
        return EnrollflowJar.in(dir)
                .env("ENROLLFLOW_REDIS_URL", redis.url())
                .env("ENROLLFLOW_DOWNLOAD_COMMAND", "true")
                .env("ENROLLFLOW_DOWNLOAD_WORK_DIR", dir.resolve("work").toString())
                .env("ENROLLFLOW_DELIVERY_TARGET", "folder")
                .env("ENROLLFLOW_DELIVERY_FOLDER", dir.resolve("delivered").toString())
                .env("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(port));
    }

    private void run() {
        output = dir.resolve("enrollflow.log");
        running = jar().env("ENROLLFLOW_MANAGEMENT_TOKEN", TOKEN).logTo(output).start("run");
        Http http = new Http(port);
        Pipeline.await(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> http.get("/observe/health/ready").status() == 200);
    }

    private HttpResponse<String> api(String token) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/dead-letters")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sixtyWrongBearerTokensTurnInto429WithRetryAfterAndTheRightTokenWorksAfterTheWait() throws Exception {
        run();
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < GUESSES; i++) {
            HttpResponse<String> answer = api("guess-" + i + "-" + TOKEN.substring(8));
            statuses.add(answer.statusCode());
            if (answer.statusCode() == 429) {
                retryAfter = answer.headers().firstValue("Retry-After").orElse(null);
                assertNotNull(retryAfter, "a 429 says when to come back");
                assertTrue(answer.body().contains("try again"), answer.body());
            }
        }

        assertEquals(List.of(401, 401, 401, 401, 401, 401, 401, 401, 401, 401), statuses.subList(0, 10), statuses.toString());
        assertTrue(statuses.stream().filter(s -> s == 429).count() >= 40, statuses.toString());
        assertEquals(429, api(TOKEN).statusCode(), "while the address waits, even the right token is not looked at");

        Thread.sleep(Long.parseLong(retryAfter) * 1000 + 500);
        assertEquals(200, api(TOKEN).statusCode(), "after the wait the right token works");
        assertAggregatedInTheLog();
    }

    @Test
    void sixtyWrongSignInsTurnInto429WithRetryAfterAndTheRightTokenSignsInAfterTheWait() throws Exception {
        run();
        ConsoleClient console = new ConsoleClient(port);
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < GUESSES; i++) {
            ConsoleClient.Page page = console.signIn("guess-" + i + "-" + TOKEN.substring(8));
            statuses.add(page.status());
            if (page.status() == 429) {
                retryAfter = page.retryAfter();
                assertNotNull(retryAfter, "a 429 says when to come back");
                assertTrue(page.body().contains("try again in"), page.body());
            }
        }

        assertEquals(List.of(401, 401, 401, 401, 401, 401, 401, 401, 401, 401), statuses.subList(0, 10), statuses.toString());
        assertTrue(statuses.stream().filter(s -> s == 429).count() >= 40, statuses.toString());
        assertEquals(429, console.signIn(TOKEN).status(), "while the address waits, even the right token is not looked at");

        Thread.sleep(Long.parseLong(retryAfter) * 1000 + 500);
        assertNotNull(console.session(TOKEN), "after the wait the right token signs in");
        assertAggregatedInTheLog();
    }

    @Test
    void threeGuessableTokensStopStartUpNamingTheKey() {
        for (String weak : List.of("abcdabcdabcdabcd", "enrollflowreader", "qwertyuiopasdfgh")) {
            EnrollflowJar.Result result = jar().env("ENROLLFLOW_MANAGEMENT_TOKEN", weak).run("run");

            assertEquals(2, result.exitCode(), result.toString());
            assertEquals(1, result.stderrLines().size(), result.toString());
            assertTrue(result.stderr().contains("enrollflow.management.token"), result.toString());
            assertFalse(result.stderr().contains(weak), result.toString());
        }
    }

    /** A line as the refusals begin (and one a minute after): not one per wrong token, and no token in any. */
    private void assertAggregatedInTheLog() throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(l -> l.contains("outcome=wrong-tokens")).toList();
        assertTrue(!lines.isEmpty() && lines.size() <= 2, lines.toString());
        assertTrue(lines.get(0).contains("remote=127.0.0.1"), lines.toString());
        assertFalse(text.contains(TOKEN.substring(8)), "no token, right or wrong, is logged");
    }
}

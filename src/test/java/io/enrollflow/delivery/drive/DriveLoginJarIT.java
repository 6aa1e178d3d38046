package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.ops.Http;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.EnrollflowJar;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Google account's own Drive, through the built jar and {@link DriveStandIn} (docs/contract.md §1, §5): {@code drive
 * login} in both modes, the test playing the browser; a worker delivering with the file it wrote, also after its access
 * token expired; and a revoked sign-in failing the task and showing in health and the console until a delivery goes
 * through again.
 */
class DriveLoginJarIT {

    /** Generous: two cores, and other builds may be running. */
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String TOKEN = "7c1e9a4f20b85d36e4a1f0c9b27d5e83";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARENT_ID = Pattern.compile("enrollflow\\.drive\\.parent-folder-id=(\\S+)");

    @RegisterExtension
    static final RedisExtension redis = new RedisExtension();
    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();
    @TempDir
    static Path jarDir;
    @TempDir
    Path tmp;

    /** A copy of the built jar: other builds sharing target/ may rewrite it while a test's JVM runs from it. */
    private static Path builtJar;

    private DriveStandIn drive;
    private final List<EnrollflowJar.Running> started = new ArrayList<>();

    @BeforeAll
    static void copyTheBuiltJar() throws IOException {
        builtJar = Files.copy(EnrollflowJar.jar(), jarDir.resolve("enrollflow.jar"));
    }

    @BeforeEach
    void startDrive() throws IOException {
        drive = DriveStandIn.start();
    }

    @AfterEach
    void stopJarsThenDrive() {
        try {
            for (EnrollflowJar.Running process : started) {
                if (process.isAlive()) {
                    process.kill();
                }
            }
        } finally {
            drive.close();
        }
    }

    // ---- drive login

    @Test
    void loginWithABrowserWritesCredentialsWithWhichTheWorkerDeliversAlsoAfterItsAccessTokenExpired() throws Exception {
        Path credentials = tmp.resolve("secrets/drive-credentials.json");
        EnrollflowJar.Running login = jar(Map.of()).start("drive", "login", "--client-secret", clientSecret().toString(),
                "--out", credentials.toString(), "--create-folder", "Course deliveries");

        // the browser: opens the printed address, consents, and is sent on to the loopback receiver
        HttpResponse<String> landed = browser(HttpClient.Redirect.NORMAL).send(
                HttpRequest.newBuilder(URI.create(printedUrl(login))).build(), HttpResponse.BodyHandlers.ofString());
        EnrollflowJar.Result result = login.awaitExit(WAIT);

        assertEquals(200, landed.statusCode(), landed.body());
        assertTrue(landed.uri().toString().startsWith("http://127.0.0.1:"), landed.uri().toString());
        assertTrue(landed.body().contains("you may close this tab"), landed.body());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("set enrollflow.drive.credentials=" + credentials.toAbsolutePath()), result.stdout());
        String parentId = parentId(result);
        assertEquals("Course deliveries", drive.item(parentId).orElseThrow().name());
        assertOwnerOnly(credentials);
        JsonNode file = JSON.readTree(credentials.toFile());
        assertEquals("authorized_user", file.path("type").asText());
        assertEquals(drive.tokenUri(), file.path("token_uri").asText(), "not Google's: written down");
        assertEquals(1, drive.codeExchanges());

        Worker worker = startWorker(credentials, parentId, 0);
        Tasks first = aTask().orderId("101");
        redis.lpush(Pipeline.QUEUE, first.json());
        worker.awaitStatus(first.taskId(), "completed");
        int refreshes = drive.refreshGrants();
        drive.expireTokens();
        Tasks second = aTask().orderId("102");
        redis.lpush(Pipeline.QUEUE, second.json());
        Map<String, String> status = worker.awaitStatus(second.taskId(), "completed");

        assertEquals(drive.findFolder(parentId, "102 " + second.taskId()).orElseThrow().webViewLink(),
                status.get("deliveryUrl"));
        assertTrue(drive.refreshGrants() > refreshes, "the expired token was refreshed: " + drive.refreshGrants());
        assertNoSecretIn(result.stdout() + result.stderr() + worker.process.log());
    }

    @Test
    void loginWithNoBrowserTakesThePastedAddressAndRefusesOneFromAnotherSignIn() throws Exception {
        Path credentials = tmp.resolve("drive-credentials.json");
        EnrollflowJar.Running login = jar(Map.of()).stdinPiped().start("drive", "login", "--client-secret",
                clientSecret().toString(), "--out", credentials.toString(), "--no-browser", "--create-folder", "Deliveries");

        // the browser runs on another machine: the consent page sends it to an address nothing answers there
        HttpResponse<String> consent = browser(HttpClient.Redirect.NEVER).send(
                HttpRequest.newBuilder(URI.create(printedUrl(login))).build(), HttpResponse.BodyHandlers.ofString());
        String sentTo = consent.headers().firstValue("Location").orElseThrow();
        String another = sentTo.replaceFirst("state=[^&]+", "state=" + URLEncoder.encode("another-sign-in", StandardCharsets.UTF_8));
        login.stdin().write(("  " + another + "\n\"" + sentTo + "\"\n").getBytes(StandardCharsets.UTF_8));
        login.stdin().flush();
        EnrollflowJar.Result result = login.awaitExit(WAIT);

        assertEquals(302, consent.statusCode());
        assertTrue(sentTo.startsWith("http://127.0.0.1:") && sentTo.contains("code="), sentTo);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("That address is from another sign-in"), result.toString());
        assertOwnerOnly(credentials);
        // the folder was made through the file just written: its refresh token works
        assertEquals("Deliveries", drive.item(parentId(result)).orElseThrow().name());
        assertEquals(1, drive.refreshGrants());
        assertNoSecretIn(result.stdout() + result.stderr());
    }

    @Test
    void loginExitsOneWhenTheAccountRefusesAndTwoWithoutAClientSecret() throws Exception {
        drive.refuseConsent(true);
        EnrollflowJar.Running login = jar(Map.of()).start("drive", "login", "--client-secret", clientSecret().toString(),
                "--out", tmp.resolve("c.json").toString());
        browser(HttpClient.Redirect.NORMAL).send(HttpRequest.newBuilder(URI.create(printedUrl(login))).build(),
                HttpResponse.BodyHandlers.ofString());
        EnrollflowJar.Result refused = login.awaitExit(WAIT);
        EnrollflowJar.Result usage = jar(Map.of()).run("drive", "login");

        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(List.of("enrollflow: drive login: the consent was not given (access_denied)"), refused.stderrLines());
        assertFalse(Files.exists(tmp.resolve("c.json")));
        assertEquals(2, usage.exitCode(), usage.toString());
        assertTrue(usage.stderr().contains("--client-secret"), usage.toString());
    }

    // ---- a revoked sign-in

    @Test
    void aRevokedSignInFailsTheTaskSayingToRunDriveLoginAndHealthAndTheConsoleSaySoUntilADeliveryGoesThrough()
            throws Exception {
        Path credentials = drive.writeUserCredentials(tmp.resolve("drive-credentials.json"));
        String parentId = drive.createFolder(null, "Deliveries");
        int port = BundledRedis.freePort();
        Http http = new Http(port);
        Worker worker = startWorker(credentials, parentId, port);
        Tasks delivered = aTask().orderId("201");
        redis.lpush(Pipeline.QUEUE, delivered.json());
        worker.awaitStatus(delivered.taskId(), "completed");

        drive.revokeUserTokens();
        Tasks refused = aTask().orderId("202");
        redis.lpush(Pipeline.QUEUE, refused.json());
        Map<String, String> status = worker.awaitStatus(refused.taskId(), "failed");

        assertEquals("delivery_failed", status.get("reason"));
        assertEquals("1", status.get("attempts"), "not retried");
        assertTrue(status.get("message").contains("run `enrollflow drive login` again"), status.get("message"));
        Http.Answer health = http.get("/observe/health");
        assertEquals(200, health.status(), health.body());
        assertEquals("drive: credentials revoked or expired — run enrollflow drive login",
                health.json().path("checks").path("drive").path("detail").asText(), health.body());
        assertTrue(overview(port).contains("credentials revoked or expired — run enrollflow drive login"),
                "the console's overview says so");

        // signed in again, restarted: the next delivery goes through, and the fleet stops saying so
        worker.process.terminate();
        assertEquals(java.util.Optional.of(0), worker.process.exitCode(Duration.ofSeconds(60)), worker.process.log());
        drive.writeUserCredentials(credentials);
        Worker again = startWorker(credentials, parentId, port);
        Tasks after = aTask().orderId("203");
        redis.lpush(Pipeline.QUEUE, after.json());
        again.awaitStatus(after.taskId(), "completed");

        Http.Answer healthy = http.get("/observe/health");
        assertTrue(healthy.json().path("checks").path("drive").isMissingNode(), healthy.body());
        assertFalse(overview(port).contains("drive-sign-in"), "the card is gone");
        assertNoSecretIn(worker.process.log() + again.process.log() + redis.hash(refused.taskId())
                + redis.rawHash(RedisExtension.DEAD_LETTERS));
    }

    // ---- helpers

    private Path clientSecret() throws IOException {
        return drive.writeClientSecret(tmp.resolve("client_secret_stand-in.json"));
    }

    /** The jar with the stand-in as the Drive API (for --create-folder) and no desktop (a test opens no browser). */
    private EnrollflowJar jar(Map<String, String> env) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("jar-" + started.size()));
        Map<String, String> all = new HashMap<>(env);
        all.put("ENROLLFLOW_DRIVE_ROOT_URL", drive.rootUrl());
        return EnrollflowJar.in(dir).jar(builtJar).env(all).property("java.awt.headless", "true");
    }

    /** The authorization URL {@code drive login} printed, once it has. */
    private String printedUrl(EnrollflowJar.Running login) {
        started.add(login);
        AtomicReference<String> url = new AtomicReference<>();
        try {
            Pipeline.await(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!login.isAlive()) {
                    fail("drive login exited:\n" + login.log());
                }
                login.stdout().lines().filter(l -> l.startsWith(drive.authUri() + "?")).findFirst().ifPresent(url::set);
                return url.get() != null;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("drive login printed no authorization URL:\n" + login.log());
        }
        return url.get();
    }

    private static HttpClient browser(HttpClient.Redirect redirects) {
        return HttpClient.newBuilder().followRedirects(redirects).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static String parentId(EnrollflowJar.Result result) {
        Matcher m = PARENT_ID.matcher(result.stdout());
        assertTrue(m.find(), "no folder id printed:\n" + result);
        return m.group(1);
    }

    private static void assertOwnerOnly(Path file) throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var listing = Files.list(file.getParent())) {
            assertEquals(List.of(file.getFileName().toString()), listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains("drive-credentials")).toList(), "no temporary copy left beside it");
        }
    }

    private void assertNoSecretIn(Object text) {
        String all = String.valueOf(text);
        assertFalse(drive.userSecrets().isEmpty());
        for (String secret : drive.userSecrets()) {
            assertFalse(all.contains(secret), "a refresh or access token was shown");
        }
    }

    /** The console's overview page, signed in with the management token. */
    private static String overview(int port) throws Exception {
        HttpClient client = browser(HttpClient.Redirect.NEVER);
        HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        return page.body();
    }

    /** {@code run} with the credentials file, delivering into the folder; management on {@code port} (0: off). */
    private Worker startWorker(Path credentials, String parentId, int port) throws IOException {
        DownloadScripts scripts = new DownloadScripts(tmp.resolve("scripts"));
        Map<String, String> env = new HashMap<>();
        env.put("ENROLLFLOW_REDIS_URL", redis.url());
        env.put("ENROLLFLOW_ENROLL_URL", api.url());
        env.put("ENROLLFLOW_DOWNLOAD_COMMAND", scripts.writesCourse().command());
        env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", tmp.resolve("work").toString());
        env.put("ENROLLFLOW_DRIVE_CREDENTIALS", credentials.toString());
        env.put("ENROLLFLOW_DRIVE_PARENT_FOLDER_ID", parentId);
        env.put("ENROLLFLOW_DRIVE_RETRY_INITIAL_INTERVAL", "100ms");
        env.put("ENROLLFLOW_MANAGEMENT_PORT", Integer.toString(port));
        env.put("ENROLLFLOW_MANAGEMENT_TOKEN", TOKEN);
        env.put("ENROLLFLOW_WORKER_SHUTDOWN_TIMEOUT", "5s");
        env.put("ENROLLFLOW_RETRY_MAX_ATTEMPTS", "5");
        env.put("ENROLLFLOW_RETRY_INITIAL_DELAY", "200ms");
        env.put("ENROLLFLOW_RETRY_MAX_DELAY", "1s");
        EnrollflowJar.Running process = jar(env).start("run");
        started.add(process);
        return new Worker(process);
    }

    private record Worker(EnrollflowJar.Running process) {

        /** Waits for the task's status; fails at once when it ends otherwise or the jar exits. */
        Map<String, String> awaitStatus(String taskId, String expected) {
            try {
                Pipeline.await(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String status = redis.hash(taskId).get("status");
                    if (!process.isAlive()) {
                        fail("the jar exited (" + process.exitValue() + ") while " + taskId + " was " + status + "\n"
                                + process.log());
                    }
                    if (("failed".equals(status) || "completed".equals(status)) && !expected.equals(status)) {
                        fail(taskId + " ended " + status + ": " + redis.hash(taskId) + "\n" + process.log());
                    }
                    return expected.equals(status);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                fail(taskId + " did not become " + expected + " within " + WAIT + ": " + redis.hash(taskId) + "\n"
                        + process.log());
            }
            return redis.hash(taskId);
        }
    }
}

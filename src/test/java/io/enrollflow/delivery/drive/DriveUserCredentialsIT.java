package io.enrollflow.delivery.drive;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Settings;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskFailedException;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.enrollflow.delivery.drive.DriveDeliveryIT.localTree;
import static io.enrollflow.delivery.drive.DriveDeliveryIT.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drive delivery as a Google account ({@code enrollflow.drive.credentials}, an {@code authorized_user} file) through
 * camel-google-drive and the real Google client, against {@link DriveStandIn} (docs/contract.md §5).
 */
class DriveUserCredentialsIT {

    @TempDir
    Path tmp;

    private DriveStandIn drive;
    private CamelContext camel;
    private Path credentials;
    private String parentId;
    private final RecordingSignIn signIn = new RecordingSignIn();

    @BeforeEach
    void startDriveAndCamel() throws Exception {
        drive = DriveStandIn.start();
        credentials = drive.writeUserCredentials(tmp.resolve("drive-credentials.json"));
        parentId = drive.createFolder(null, "Deliveries");
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        drive.close();
    }

    @Test
    void aGoogleAccountsCredentialsDeliverTheTreeWithATokenFromTheFilesTokenUri() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("Module 1/lesson.mp4"), 300_000);
        write(dir.resolve("notes.pdf"), 2_000);

        String url = delivery().deliver(task("39"), dir, new MemoryState());

        DriveStandIn.Item folder = drive.findFolder(parentId, "39").orElseThrow();
        assertEquals(folder.webViewLink(), url);
        assertEquals(localTree(dir), drive.tree(folder.id()));
        assertEquals(1, drive.refreshGrants(), "one access token, from the refresh token");
        assertEquals(List.of("accepted"), signIn.events);
    }

    @Test
    void anAccessTokenDriveNoLongerAcceptsIsRefreshedAndTheDeliveryGoesOn() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        DriveDelivery delivery = delivery();
        delivery.deliver(task("1"), dir, new MemoryState());
        drive.expireTokens();

        delivery.deliver(task("2"), dir, new MemoryState());

        assertTrue(drive.findFolder(parentId, "2").isPresent());
        assertEquals(2, drive.refreshGrants(), "the 401 made the client refresh");
    }

    @Test
    void shortLivedAccessTokensAreRefreshedBeforeTheyExpire() throws Exception {
        drive.userAccessTokenLifetime(Duration.ofSeconds(2));
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        write(dir.resolve("b/c.txt"), 20);

        delivery().deliver(task("39"), dir, new MemoryState());

        assertEquals(localTree(dir), drive.tree(drive.findFolder(parentId, "39").orElseThrow().id()));
        assertTrue(drive.refreshGrants() > 1, "each token lived too short for the next request: " + drive.refreshGrants());
    }

    @Test
    void aRefreshTokenRevokedWhileAnAccessTokenWasInUseFailsTheTaskSayingToRunDriveLoginAgain() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        DriveDelivery delivery = delivery();
        delivery.deliver(task("1"), dir, new MemoryState());
        drive.revokeUserTokens();

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery.deliver(task("2"), dir, new MemoryState()));

        assertEquals(FailureReason.DELIVERY_FAILED, e.reason());
        assertTrue(e.getMessage().contains("invalid_grant") && e.getMessage().contains("run `enrollflow drive login` again"),
                e.getMessage());
        assertTrue(e.getMessage().contains(credentials.toAbsolutePath().toString()), e.getMessage());
        drive.userSecrets().forEach(secret -> assertFalse(e.getMessage().contains(secret), "a token in " + e.getMessage()));
        assertEquals(List.of("accepted", "refused: credentials revoked or expired — run enrollflow drive login"),
                signIn.events);
    }

    @Test
    void aRefreshTokenRevokedBeforeStartFailsTheFirstTaskTheSameWay() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        drive.revokeUserTokens();

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery().deliver(task("1"), dir, new MemoryState()));

        assertTrue(e.getMessage().contains("run `enrollflow drive login` again"), e.getMessage());
        assertEquals(List.of("refused: credentials revoked or expired — run enrollflow drive login"), signIn.events);
    }

    @Test
    void aServiceAccountKeyNamedInCredentialsIsReadAsOne() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        Path key = drive.writeKeyFile(tmp.resolve("key.json"));

        delivery(Map.of("enrollflow.drive.credentials", key.toString())).deliver(task("39"), dir, new MemoryState());

        assertTrue(drive.findFolder(parentId, "39").isPresent());
        assertEquals(0, drive.refreshGrants(), "the JWT grant, not a refresh token");
    }

    @Test
    void theParentFolderIsMadeOnceAndFoundWhenAskedAgain() throws Exception {
        DriveAccount account = DriveAccount.credentials(credentials, new com.google.api.client.http.javanet.NetHttpTransport());

        ParentFolder.Result made = ParentFolder.findOrCreate(account, drive.rootUrl(), "Course deliveries");
        ParentFolder.Result found = ParentFolder.findOrCreate(account, drive.rootUrl(), "Course deliveries");

        assertTrue(made.created());
        assertEquals(new ParentFolder.Result(made.id(), false), found);
        assertTrue(drive.item(made.id()).orElseThrow().isFolder());
    }

    @Test
    void theAccountsTextShowsNeitherTheRefreshTokenNorTheAccessToken() throws Exception {
        DriveAccount account = DriveAccount.credentials(credentials, new com.google.api.client.http.javanet.NetHttpTransport());
        account.credentials().refresh();

        assertTrue(account.toString().contains(StandInConsent.CLIENT_ID), account.toString());
        assertEquals(2, drive.userSecrets().size(), "a refresh token and an access token");
        drive.userSecrets().forEach(secret -> assertFalse(account.toString().contains(secret), account.toString()));
    }

    // ---- start-up

    @Test
    void aGoogleAccountsFileNamedAsTheServiceAccountKeyStopsStartUpPointingAtTheOtherSetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> delivery(Map.of(
                "enrollflow.drive.credentials", "", "enrollflow.drive.service-account-key", credentials.toString())));

        assertEquals("enrollflow.drive.service-account-key", e.key());
        assertTrue(e.getMessage().contains("name it in enrollflow.drive.credentials"), e.getMessage());
    }

    @Test
    void bothSettingsAtOnceStopStartUpNamingTheCredentialsSetting() throws IOException {
        Path key = drive.writeKeyFile(tmp.resolve("key.json"));

        ConfigException e = assertThrows(ConfigException.class,
                () -> delivery(Map.of("enrollflow.drive.service-account-key", key.toString())));

        assertEquals("enrollflow.drive.credentials", e.key());
    }

    @Test
    void aDelegateWithAGoogleAccountStopsStartUpNamingTheDelegate() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> delivery(Map.of("enrollflow.drive.delegate", "owner@example.com")));

        assertEquals("enrollflow.drive.delegate", e.key());
    }

    @Test
    void aCredentialsFileWithoutItsRefreshTokenStopsStartUpNamingTheFieldNotTheSecret() throws IOException {
        Files.writeString(credentials, "{\"type\": \"authorized_user\", \"client_id\": \"id-1\", "
                + "\"client_secret\": \"GOCSPX-do-not-show\"}");

        ConfigException e = assertThrows(ConfigException.class, this::delivery);

        assertEquals("enrollflow.drive.credentials", e.key());
        assertTrue(e.getMessage().contains("lacks refresh_token"), e.getMessage());
        assertFalse(e.getMessage().contains("do-not-show"), e.getMessage());
    }

    @Test
    void aCredentialsFileThatIsNotJsonStopsStartUpWithoutQuotingIt() throws IOException {
        Files.writeString(credentials, "{\"type\": \"authorized_user\", \"refresh_token\": 1//secret-do-not-show}");

        ConfigException e = assertThrows(ConfigException.class, this::delivery);

        assertEquals("enrollflow.drive.credentials", e.key());
        assertTrue(e.getMessage().contains("is not JSON (line 1, column"), e.getMessage());
        assertFalse(e.getMessage().contains("do-not-show"), e.getMessage());
    }

    @Test
    void aFileOfAnotherTypeStopsStartUpSayingWhichTypesAreRead() throws IOException {
        Files.writeString(credentials, "{\"type\": \"external_account\"}");

        ConfigException e = assertThrows(ConfigException.class, this::delivery);

        assertEquals("enrollflow.drive.credentials", e.key());
        assertTrue(e.getMessage().contains("authorized_user") && e.getMessage().contains("service_account"), e.getMessage());
    }

    // ---- helpers

    /** What the delivery told the fleet, in order. */
    private static final class RecordingSignIn implements DriveSignIn {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void refused(String detail) {
            events.add("refused: " + detail);
        }

        @Override
        public void accepted() {
            events.add("accepted");
        }
    }

    private DriveDelivery delivery() {
        return delivery(Map.of());
    }

    private DriveDelivery delivery(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("enrollflow.drive.credentials", credentials.toString());
        values.put("enrollflow.drive.parent-folder-id", parentId);
        values.put("enrollflow.drive.root-url", drive.rootUrl());
        values.put("enrollflow.drive.retry-initial-interval", "10ms");
        values.put("enrollflow.drive.retry-max-elapsed", "2s");
        values.putAll(overrides);
        return DriveDelivery.create(Settings.load(null, Map.of()).with(values), camel, DriveGuard.NONE,
                DriveThrottle.NONE, signIn);
    }

    private static Task task(String taskId) {
        return new Task(taskId, "", "https://courses.example.com/course/java-101/", "buyer@example.com", 720, "{}",
                Map.of());
    }
}

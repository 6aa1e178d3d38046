package io.enrollflow.delivery.drive;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Settings;
import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Fault;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskFailedException;
import io.enrollflow.task.TransientTaskException;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.ObjectHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DriveDelivery} through camel-google-drive and the real Google client, against {@link DriveStandIn}.
 */
class DriveDeliveryIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private DriveStandIn drive;
    private CamelContext camel;
    private Path keyFile;
    private String parentId;

    @BeforeEach
    void startDriveAndCamel() throws Exception {
        drive = DriveStandIn.start();
        keyFile = drive.writeKeyFile(tmp.resolve("key.json"));
        parentId = drive.createFolder(null, "Deliveries");
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        drive.close();
    }

    // ---- what arrives

    @Test
    void theTreeWithUnicodeAndQuoteNamesAndAnEmptyFileArrivesWithExactBytesAndSubFolders() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("Lektion 1 – Einführung/01 'Hallo' \"Welt\".mp4"), 300_000);
        write(dir.resolve("Lektion 1 – Einführung/notes back\\slash.txt"), 1_000);
        write(dir.resolve("課程 'două'/空.txt"), 0);
        write(dir.resolve("a/b/c/deep.bin"), 70_000);
        write(dir.resolve("top level.pdf"), 5_000);

        String url = delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState());

        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        assertEquals(localTree(dir), drive.tree(folder.id()));
        assertEquals(folder.webViewLink(), url);
        Item empty = drive.children(drive.findFolder(folder.id(), "課程 'două'").orElseThrow().id()).get(0);
        assertEquals(0, empty.size());
        assertEquals("video/mp4", drive.children(drive.findFolder(folder.id(), "Lektion 1 – Einführung").orElseThrow().id())
                .stream().filter(i -> i.name().endsWith(".mp4")).findFirst().orElseThrow().mimeType());
    }

    @Test
    void linksFifosAndWhatLinksPointAtAreNeverUploaded() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("service-account.json"), "the key");
        Path dir = tmp.resolve("task");
        write(dir.resolve("Module 1/lesson.mp4"), 1_000);
        Files.createSymbolicLink(dir.resolve("notes.pdf"), outside.resolve("service-account.json"));
        Files.createSymbolicLink(dir.resolve("Module 1/lib"), outside);
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).start().waitFor());

        delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState());

        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        assertEquals(Map.of("Module 1/", "folder", "Module 1/lesson.mp4", DriveStandIn.sha256(dir.resolve("Module 1/lesson.mp4"))),
                drive.tree(folder.id()));
    }

    @Test
    void aFolderWhoseNameDiffersOnlyInCaseIsAnotherTasksAndIsNotAdopted() throws Exception {
        String other = drive.createFolder(parentId, "1007 a7");
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);

        delivery(Map.of()).deliver(task("A7", "1007"), dir, new MemoryState());

        Item mine = drive.findFolder(parentId, "1007 A7").orElseThrow();
        assertFalse(mine.id().equals(other), "task A7 adopted task a7's folder");
        assertEquals(Map.of(), drive.tree(other), "the other task's folder is untouched");
        assertTrue(drive.permissions(other).isEmpty(), "the other folder was not shared with this buyer");
    }

    @Test
    void aTaskWithoutOrderIdGetsAFolderNamedByItsTaskIdAlone() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);

        delivery(Map.of()).deliver(task("40", ""), dir, new MemoryState());

        assertTrue(drive.findFolder(parentId, "40").isPresent());
    }

    @Test
    void thePermissionHasTheConfiguredRoleAndNotificationAndTheUrlIsTheFoldersWebViewLink() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);

        String url = delivery(Map.of("enrollflow.drive.share-role", "writer", "enrollflow.drive.notify", "true"))
                .deliver(task("39", "1007"), dir, new MemoryState());

        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        assertEquals(List.of(new Grant(drive.permissions(folder.id()).get(0).id(), "user", "writer", "buyer@example.com", true)),
                drive.permissions(folder.id()));
        assertEquals("https://drive.google.com/drive/folders/" + folder.id(), url);
    }

    @Test
    void theBuyerIsNotNotifiedByDefault() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);

        delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState());

        Grant grant = drive.permissions(drive.findFolder(parentId, "1007 39").orElseThrow().id()).get(0);
        assertEquals("reader", grant.role());
        assertFalse(grant.sendNotificationEmail());
    }

    @Test
    void supportsAllDrivesIsSentOnEveryCall() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("sub/a.bin"), 2 * MIB + 5);
        write(dir.resolve("b.txt"), 100);
        DriveDelivery delivery = delivery(Map.of("enrollflow.drive.chunk-size-kib", "1024"));
        MemoryState state = new MemoryState();
        delivery.deliver(task("39", "1007"), dir, state);
        write(dir.resolve("b.txt"), 200); // another size: replaced, the stale copy trashed
        delivery.deliver(task("39", "1007"), dir, state);

        assertTrue(drive.requests(Call.FILES_UPDATE) > 0, "the trash call was made");
        assertTrue(drive.requests(Call.UPLOAD_CHUNK) >= 3, "chunks were sent");
        assertEquals(List.of(), drive.requestsWithoutSupportsAllDrives());
    }

    // ---- in-place retries

    @Test
    void aLargeFileIsResumedAfterA503OnAMiddleChunkAndNotSentAgainFromTheStart() throws Exception {
        Path dir = tmp.resolve("task");
        long size = 25L * MIB + 12_345;
        Path big = write(dir.resolve("big.mp4"), size);
        Fault fault = drive.inject(Fault.status(503, "backendError").on(Call.UPLOAD_CHUNK).nth(12));

        delivery(Map.of("enrollflow.drive.chunk-size-kib", "1024")).deliver(task("39", "1007"), dir, new MemoryState());

        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        Item file = drive.children(folder.id()).get(0);
        assertEquals(DriveStandIn.sha256(big), drive.sha256(file.id()));
        assertEquals(1, fault.fired());
        assertEquals(1, drive.requests(Call.UPLOAD_START), "one upload session: the file was not restarted");
        assertTrue(drive.bytesReceived() < size + 2L * MIB, "received " + drive.bytesReceived() + " for " + size);
    }

    @Test
    void aDroppedConnectionDuringAChunkIsResumedInPlace() throws Exception {
        Path dir = tmp.resolve("task");
        long size = 4L * MIB;
        Path file = write(dir.resolve("f.bin"), size);
        Fault fault = drive.inject(Fault.drop().on(Call.UPLOAD_CHUNK).nth(2));

        delivery(Map.of("enrollflow.drive.chunk-size-kib", "1024")).deliver(task("39", "1007"), dir, new MemoryState());

        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        assertEquals(DriveStandIn.sha256(file), drive.sha256(drive.children(folder.id()).get(0).id()));
        assertEquals(1, fault.fired());
        assertEquals(1, drive.requests(Call.UPLOAD_START));
    }

    @Test
    void a429RateLimitExceededIsRetriedInPlaceOnMetadataCallsAndChunks() throws Exception {
        Path dir = tmp.resolve("task");
        Path file = write(dir.resolve("sub/f.bin"), 3L * MIB);
        Fault onCreate = drive.failNext(Call.FILES_CREATE, 429, "rateLimitExceeded");
        Fault onList = drive.failNext(Call.FILES_LIST, 429, "rateLimitExceeded");
        Fault onChunk = drive.inject(Fault.status(429, "rateLimitExceeded").on(Call.UPLOAD_CHUNK).nth(2));

        delivery(Map.of("enrollflow.drive.chunk-size-kib", "1024")).deliver(task("39", "1007"), dir, new MemoryState());

        assertEquals(List.of(1, 1, 1), List.of(onCreate.fired(), onList.fired(), onChunk.fired()));
        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        assertEquals(localTree(dir), drive.tree(folder.id()));
        assertEquals(1, drive.findFolders(parentId, "1007 39").size());
        assertEquals(DriveStandIn.sha256(file), drive.tree(folder.id()).get("sub/f.bin"));
    }

    @Test
    void a503ThatOutlastsTheInPlaceBackOffIsATransientFailure() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        drive.inject(Fault.status(503, "backendError").on(Call.UPLOAD_START).always());

        TransientTaskException e = assertThrows(TransientTaskException.class,
                () -> delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState()));

        assertEquals(FailureReason.DELIVERY_FAILED, e.reasonWhenExhausted());
        assertTrue(e.getMessage().contains("503"), e.getMessage());
    }

    @Test
    void aFencedRunStopsSendingInTheMiddleOfAnUploadRequest() throws Exception {
        Path dir = tmp.resolve("task");
        long size = 64L * MIB;
        write(dir.resolve("big.mp4"), size);
        // the lease lapses once Drive holds 4 MiB of the file, in the middle of its one request (default chunk size)
        DriveGuard guard = new DriveGuard(() -> drive.bytesReceived() < 4L * MIB, () -> 0);
        DriveDelivery delivery = DriveDelivery.create(settings(Map.of()), camel, guard, DriveThrottle.NONE,
                DriveSignIn.NONE);

        RuntimeException e = assertThrows(RuntimeException.class,
                () -> delivery.deliver(task("39", "1007"), dir, new MemoryState()));

        assertNotNull(ObjectHelper.getException(ClaimLostException.class, e), e.toString());
        assertEquals(1, drive.requests(Call.UPLOAD_CHUNK), "one request, cut short; no status query, no next chunk");
        assertEquals(0, drive.requests(Call.UPLOAD_STATUS));
        assertEquals(0, drive.uploadsCompleted());
        // what the sockets' buffers held when the stream stopped still arrives, not the rest of the file
        assertTrue(drive.bytesReceived() < size / 2, "received " + drive.bytesReceived() + " of " + size);
    }

    // ---- failures that need the operator

    @Test
    void aMissingParentFailsTheTaskWithAMessageNamingTheParent() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery(Map.of("enrollflow.drive.parent-folder-id", "0AbsentFolder"))
                        .deliver(task("39", "1007"), dir, new MemoryState()));

        assertEquals(FailureReason.DELIVERY_FAILED, e.reason());
        assertTrue(e.getMessage().contains("0AbsentFolder"), e.getMessage());
        assertTrue(e.getMessage().contains("enrollflow.drive.parent-folder-id"), e.getMessage());
    }

    @Test
    void a403InsufficientPermissionsFailsTheTaskSayingWhomToGiveAccess() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        drive.inject(Fault.status(403, "insufficientPermissions").on(Call.FILES_CREATE).always());

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState()));

        assertEquals(FailureReason.DELIVERY_FAILED, e.reason());
        assertTrue(e.getMessage().contains(drive.serviceAccountEmail()), e.getMessage());
        assertTrue(e.getMessage().contains("edit access to folder " + parentId), e.getMessage());
    }

    @Test
    void a403StorageQuotaExceededPointsToASharedDriveOrDelegation() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        drive.inject(Fault.status(403, "storageQuotaExceeded").on(Call.UPLOAD_START).always());

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState()));

        assertTrue(e.getMessage().contains("Shared Drive") && e.getMessage().contains("enrollflow.drive.delegate"), e.getMessage());
    }

    @Test
    void a401ThatATokenRefreshDoesNotMendFailsTheTaskNamingTheKeySetting() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        drive.inject(Fault.status(401, "authError").on(Call.FILES_GET).always());

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery(Map.of()).deliver(task("39", "1007"), dir, new MemoryState()));

        assertTrue(e.getMessage().contains("enrollflow.drive.service-account-key"), e.getMessage());
        assertTrue(e.getMessage().contains(drive.serviceAccountEmail()), e.getMessage());
    }

    @Test
    void anExpiredTokenIsRefreshedAndTheDeliveryGoesOn() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        DriveDelivery delivery = delivery(Map.of());
        delivery.deliver(task("1", ""), dir, new MemoryState());
        drive.expireTokens();

        delivery.deliver(task("2", ""), dir, new MemoryState());

        assertTrue(drive.findFolder(parentId, "2").isPresent());
        assertEquals(2, drive.requests(Call.TOKEN));
    }

    @Test
    void theDelegateIsTheSubjectOfTheTokenRequest() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);

        delivery(Map.of("enrollflow.drive.delegate", "owner@example.com")).deliver(task("39", ""), dir, new MemoryState());

        assertEquals(List.of("owner@example.com"), drive.tokenSubjects());
    }

    @Test
    void aRefusedDelegationFailsTheTaskPointingAtDomainWideDelegation() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        drive.refuseTokens("unauthorized_client");

        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delivery(Map.of("enrollflow.drive.delegate", "owner@example.com"))
                        .deliver(task("39", ""), dir, new MemoryState()));

        assertTrue(e.getMessage().contains("domain-wide delegation"), e.getMessage());
        assertTrue(e.getMessage().contains(drive.tokenUri()), e.getMessage());
    }

    // ---- never twice

    @Test
    void aDeliveryCutShortAfterHalfTheFilesIsCompletedWithoutDuplicates() throws Exception {
        Path dir = tmp.resolve("task");
        for (int i = 1; i <= 8; i++) {
            write(dir.resolve((i % 2 == 0 ? "even/" : "") + "part " + i + ".bin"), 50_000L * i);
        }
        MemoryState state = new MemoryState();
        DriveDelivery delivery = delivery(Map.of());
        drive.inject(Fault.status(403, "userRateLimitExceeded").on(Call.UPLOAD_START).afterUploads(4).always());

        assertThrows(TransientTaskException.class, () -> delivery.deliver(task("39", "1007"), dir, state));
        int firstRun = drive.uploadsCompleted();
        assertTrue(firstRun >= 4 && firstRun < 8, "uploads before the break: " + firstRun);
        assertTrue(state.get(DriveDelivery.FOLDER_ID_FIELD).isPresent(), "the folder id was recorded at once");
        drive.clearFaults();

        delivery.deliver(task("39", "1007"), dir, state);

        assertEquals(1, drive.findFolders(parentId, "1007 39").size());
        Item folder = drive.findFolder(parentId, "1007 39").orElseThrow();
        assertEquals(localTree(dir), drive.tree(folder.id()));
        assertEquals(8, drive.uploadsCompleted(), "no file uploaded twice");
        assertEquals(1, drive.permissions(folder.id()).size());
    }

    @Test
    void aThirdDeliveryOfACompletedTaskUploadsNothingAndAddsNoPermission() throws Exception {
        Path dir = tmp.resolve("task");
        for (int i = 1; i <= 5; i++) {
            write(dir.resolve("f" + i + ".bin"), 1000 + i);
        }
        MemoryState state = new MemoryState();
        DriveDelivery delivery = delivery(Map.of());
        String first = delivery.deliver(task("39", "1007"), dir, state);

        String again = delivery.deliver(task("39", "1007"), dir, state);

        assertEquals(first, again);
        assertEquals(5, drive.uploadsCompleted());
        assertEquals(1, drive.requests(Call.PERMISSIONS_CREATE));
        assertEquals(1, drive.requests(Call.FILES_CREATE), "only the task folder was ever created");
    }

    @Test
    void aSecondDeliveryWithTheStateLostFindsTheFolderByName() throws Exception {
        Path dir = tmp.resolve("task");
        for (int i = 1; i <= 7; i++) {
            write(dir.resolve("f" + i + ".bin"), 1000 + i);
        }
        DriveDelivery delivery = delivery(Map.of());
        String first = delivery.deliver(task("39", "1007"), dir, new MemoryState());
        drive.createFolder(parentId, "1007 390"); // a look-alike name, and more than one page of siblings
        drive.createFolder(parentId, "1007 39 ");
        drive.createFolder(parentId, "other");
        MemoryState lost = new MemoryState();

        String again = delivery.deliver(task("39", "1007"), dir, lost);

        assertEquals(first, again);
        assertEquals(1, drive.findFolders(parentId, "1007 39").size());
        assertEquals(7, drive.uploadsCompleted());
        assertEquals(drive.findFolder(parentId, "1007 39").orElseThrow().id(), lost.get(DriveDelivery.FOLDER_ID_FIELD).orElseThrow());
    }

    @Test
    void aTrashedTaskFolderIsReplacedByAFreshOne() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("a.txt"), 10);
        MemoryState state = new MemoryState();
        DriveDelivery delivery = delivery(Map.of());
        delivery.deliver(task("39", "1007"), dir, state);
        String old = state.get(DriveDelivery.FOLDER_ID_FIELD).orElseThrow();
        drive.trash(old);

        delivery.deliver(task("39", "1007"), dir, state);

        String fresh = state.get(DriveDelivery.FOLDER_ID_FIELD).orElseThrow();
        assertFalse(old.equals(fresh));
        assertEquals(localTree(dir), drive.tree(fresh));
    }

    @Test
    void aSameNameFileOfAnotherSizeIsUploadedAgainAndTheStaleOneTrashed() throws Exception {
        Path dir = tmp.resolve("task");
        write(dir.resolve("notes.txt"), 100);
        MemoryState state = new MemoryState();
        DriveDelivery delivery = delivery(Map.of());
        delivery.deliver(task("39", "1007"), dir, state);
        Item stale = drive.children(state.get(DriveDelivery.FOLDER_ID_FIELD).orElseThrow()).get(0);
        write(dir.resolve("notes.txt"), 150);

        delivery.deliver(task("39", "1007"), dir, state);

        assertEquals(localTree(dir), drive.tree(state.get(DriveDelivery.FOLDER_ID_FIELD).orElseThrow()));
        assertTrue(drive.item(stale.id()).orElseThrow().trashed());
    }

    // ---- start-up

    @Test
    void aMissingKeyFileStopsStartUpNamingTheKeySetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> delivery(Map.of("enrollflow.drive.service-account-key", tmp.resolve("nope.json").toString())));

        assertEquals("enrollflow.drive.service-account-key", e.key());
        assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
    }

    @Test
    void anUnparseableKeyFileStopsStartUpNamingTheKeySetting() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"type\": \"service_account\", \"client_email\": 3");

        ConfigException e = assertThrows(ConfigException.class,
                () -> delivery(Map.of("enrollflow.drive.service-account-key", bad.toString())));

        assertEquals("enrollflow.drive.service-account-key", e.key());
    }

    @Test
    void anUnknownFolderNamePlaceholderStopsStartUpNamingTheKeySetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> delivery(Map.of("enrollflow.drive.folder-name", "${order} ${taskId}")));

        assertEquals("enrollflow.drive.folder-name", e.key());
    }

    @Test
    void theFolderNameTemplateSurvivesCamelsPropertyPlaceholders() {
        Settings settings = Settings.load(null, Map.of());
        camel.getPropertiesComponent().setInitialProperties(settings.asProperties());

        assertEquals("${orderId} ${taskId}", camel.resolvePropertyPlaceholders("{{enrollflow.drive.folder-name}}"));
    }

    // ---- helpers

    private DriveDelivery delivery(Map<String, String> overrides) {
        return DriveDelivery.create(settings(overrides), camel);
    }

    private Settings settings(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("enrollflow.drive.service-account-key", keyFile.toString());
        values.put("enrollflow.drive.parent-folder-id", parentId);
        values.put("enrollflow.drive.root-url", drive.rootUrl());
        values.put("enrollflow.drive.retry-initial-interval", "10ms");
        values.put("enrollflow.drive.retry-max-elapsed", "2s");
        values.putAll(overrides);
        return Settings.load(null, Map.of()).with(values);
    }

    private static Task task(String taskId, String orderId) {
        return new Task(taskId, orderId, "https://courses.example.com/course/java-101/", "buyer@example.com", 720,
                "{}", Map.of());
    }

    /** Writes {@code size} pseudo-random bytes (seeded by the name), streaming, so large files cost no heap. */
    static Path write(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(file.getFileName().toString().hashCode() + size);
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }
        return file;
    }

    /** The local tree in {@link DriveStandIn#tree(String)}'s shape. */
    static Map<String, String> localTree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(p -> !p.equals(dir))::iterator) {
                String rel = dir.relativize(p).toString(); // Linux paths: '/' separates, a '\\' is part of a name
                out.put(Files.isDirectory(p) ? rel + "/" : rel, Files.isDirectory(p) ? "folder" : DriveStandIn.sha256(p));
            }
        }
        return out;
    }
}

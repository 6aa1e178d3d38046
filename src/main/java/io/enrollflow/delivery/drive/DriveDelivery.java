package io.enrollflow.delivery.drive;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.util.Sleeper;
import com.google.api.services.drive.DriveScopes;
import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.Permission;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.enrollflow.config.ConfigException;
import io.enrollflow.config.Placeholders;
import io.enrollflow.config.Settings;
import io.enrollflow.delivery.Delivery;
import io.enrollflow.delivery.DeliveryState;
import io.enrollflow.delivery.TaskTree;
import io.enrollflow.task.Masking;
import io.enrollflow.task.Task;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.google.drive.GoogleDriveComponent;
import org.apache.camel.component.google.drive.GoogleDriveConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers a task's folder to Google Drive (CONTRACT §5). One delivery, in order:
 * <ol>
 *   <li><b>task folder</b>: the id in the task's state ({@value #FOLDER_ID_FIELD}) when it still exists; else the
 *       folder of the configured name under the parent (not trashed); else a new one. Its id goes into the state the
 *       moment it is known, so a crash after this step never leads to a second folder;</li>
 *   <li><b>sub-folders</b>: each local directory found by name in its Drive parent, or created;</li>
 *   <li><b>files</b>: what Drive already holds (every page of each folder's listing) is compared by name and size;
 *       only missing files, or files of another size, are uploaded, up to {@code enrollflow.drive.parallel-uploads} at
 *       a time, each by resumable upload streamed from disk. A same-name file of another size is replaced: the new one
 *       is uploaded first, then the stale one is moved to the trash (so a crash in between loses nothing, and the next
 *       delivery sees the right size and only trashes the stale copy);</li>
 *   <li><b>permission</b>: the buyer's {@code user} permission with the configured role, unless the folder has it
 *       already (permissions are listed first);</li>
 *   <li><b>deliveryUrl</b>: the folder's {@code webViewLink}.</li>
 * </ol>
 * A failure stops the delivery; what exists stays, and the next attempt completes it. Transient failures
 * (429, 5xx, rate limits, network) throw {@link io.enrollflow.task.TransientTaskException}, those that need the operator
 * {@link io.enrollflow.task.TaskFailedException}, both with reason {@code delivery_failed} (see {@link DriveFailures}).
 */
public final class DriveDelivery implements Delivery {

    /** The task-state field holding the task's Drive folder id. */
    public static final String FOLDER_ID_FIELD = "driveFolderId";

    static final String DEFAULT_MIME_TYPE = "application/octet-stream";

    private static final Logger LOG = LoggerFactory.getLogger(DriveDelivery.class);

    private final DriveSettings settings;
    private final DriveCalls drive;
    private final DriveFailures failures;

    private DriveDelivery(DriveSettings settings, DriveCalls drive, DriveFailures failures) {
        this.settings = settings;
        this.drive = drive;
        this.failures = failures;
    }

    /**
     * Checks every {@code enrollflow.drive.*} setting, reads the service-account key, sets enrollflow's client factory
     * on the {@code google-drive} component and returns the delivery. Called once at start-up, after the CamelContext
     * exists and before routes start. Once per CamelContext: the component caches the client built here, so a second
     * call on the same context would keep the first call's settings.
     *
     * @throws ConfigException naming the key of the first wrong setting (a missing or unreadable key file included)
     */
    public static DriveDelivery create(Settings settings, CamelContext camel) {
        return create(settings, camel, Sleeper.DEFAULT, DriveGuard.NONE, DriveThrottle.NONE);
    }

    /**
     * As {@link #create(Settings, CamelContext)}, with a guard asked before every Drive request (each upload chunk
     * included), so that a fenced run sends nothing more (CONTRACT §7).
     */
    public static DriveDelivery create(Settings settings, CamelContext camel, DriveGuard guard) {
        return create(settings, camel, Sleeper.DEFAULT, guard, DriveThrottle.NONE);
    }

    /** As {@link #create(Settings, CamelContext, DriveGuard)}, every request also waiting out the fleet's Drive pause. */
    public static DriveDelivery create(Settings settings, CamelContext camel, DriveGuard guard, DriveThrottle throttle) {
        return create(settings, camel, Sleeper.DEFAULT, guard, throttle);
    }

    /**
     * Checks the {@code enrollflow.drive.*} settings (not the key file's content) before Camel starts, so that a bad
     * one stops start-up with its one line and nothing logged before it.
     *
     * @throws ConfigException naming the key of the first wrong setting
     */
    public static void check(Settings settings) {
        DriveSettings.from(settings);
    }

    /** As {@link #create(Settings, CamelContext)}, with the sleeper the in-place back-off waits with. */
    static DriveDelivery create(Settings settings, CamelContext camel, Sleeper sleeper) {
        return create(settings, camel, sleeper, DriveGuard.NONE, DriveThrottle.NONE);
    }

    private static DriveDelivery create(Settings settings, CamelContext camel, Sleeper sleeper, DriveGuard guard,
                                        DriveThrottle throttle) {
        DriveSettings drive = DriveSettings.from(settings);
        NetHttpTransport transport = new NetHttpTransport();
        ServiceAccountCredentials key = readKey(drive.serviceAccountKey(), transport);
        GoogleCredentials credentials = key.createScoped(List.of(DriveScopes.DRIVE));
        if (!drive.delegate().isEmpty()) {
            credentials = credentials.createDelegated(drive.delegate());
        }

        GoogleDriveComponent component = camel.getComponent("google-drive", GoogleDriveComponent.class);
        component.setClientFactory(new DriveClientFactory(drive, credentials, transport, sleeper, guard, throttle));
        // The component builds its client only when a service-account key is configured; ours is already parsed, the
        // path is what the component hands back to the factory.
        // (A configuration of our own: in 4.17.0 a fresh component's getConfiguration() answers null.)
        GoogleDriveConfiguration configuration = new GoogleDriveConfiguration();
        configuration.setServiceAccountKey(drive.serviceAccountKey().toAbsolutePath().toString());
        configuration.setDelegate(drive.delegate().isEmpty() ? null : drive.delegate());
        configuration.setScopes(DriveScopes.DRIVE);
        configuration.setApplicationName(DriveClientFactory.APPLICATION_NAME);
        component.setConfiguration(configuration);
        // Build the cached client now: the component's lazy getClient is not synchronised, and parallel uploads
        // would otherwise race to build two.
        component.getClient(configuration);

        ProducerTemplate template = camel.createProducerTemplate();
        String tokenUri = key.getTokenServerUri() == null ? "" : key.getTokenServerUri().toString();
        DriveFailures failures = new DriveFailures(drive.parentFolderId(), key.getClientEmail(), drive.delegate(), tokenUri,
                throttle, drive.retryInitialInterval());
        LOG.info("stage=deliver target=drive parent={} account={} delegate={} root={}", drive.parentFolderId(),
                key.getClientEmail(), Masking.email(drive.delegate()),
                drive.rootUrl().isEmpty() ? "https://www.googleapis.com/" : drive.rootUrl());
        return new DriveDelivery(drive, new DriveCalls(template), failures);
    }

    private static ServiceAccountCredentials readKey(Path file, NetHttpTransport transport) {
        String key = DriveSettings.SERVICE_ACCOUNT_KEY;
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key, "no file at " + file.toAbsolutePath());
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(key, "cannot read " + file.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return ServiceAccountCredentials.fromStream(in, () -> transport);
        } catch (IOException | RuntimeException e) {
            // The parser's messages name missing fields, never the key's content.
            throw new ConfigException(key, file.toAbsolutePath() + " is not a service-account key file ("
                    + e.getMessage() + ")");
        }
    }

    @Override
    public String deliver(Task task, Path taskDir, DeliveryState state) throws Exception {
        long started = System.nanoTime();
        File folder = taskFolder(task, taskDir, state);
        Plan plan = plan(folder.getId(), taskDir);
        long bytes = uploadAll(task, plan);
        share(task, folder.getId());
        LOG.info("task={} stage=deliver outcome=delivered folder={} uploaded={} skipped={} trashed={} bytes={} ms={}",
                task.taskId(), folder.getId(), plan.uploads.size(), plan.skipped, plan.stale.size(), bytes,
                (System.nanoTime() - started) / 1_000_000);
        return folder.getWebViewLink();
    }

    /** The folder name for a task: the template with its placeholders filled, trimmed; the task id when that is empty. */
    String folderName(Task task, Path taskDir) {
        Map<String, String> values = Map.of("courseUrl", task.courseUrl(), "taskDir", taskDir.toString(),
                "taskId", task.taskId(), "orderId", task.orderId() == null ? "" : task.orderId(),
                "quality", String.valueOf(task.quality()));
        String name = Placeholders.fill(settings.folderName(), values).trim();
        return name.isEmpty() ? task.taskId() : name;
    }

    private File taskFolder(Task task, Path taskDir, DeliveryState state) {
        String known = state.get(FOLDER_ID_FIELD).orElse("");
        if (!known.isEmpty()) {
            try {
                File folder = drive.get(known);
                if (!Boolean.TRUE.equals(folder.getTrashed())) {
                    return folder;
                }
                LOG.warn("task={} stage=deliver folder={} outcome=trashed action=\"look up by name\"", task.taskId(), known);
            } catch (RuntimeException e) {
                RuntimeException failure = failures.classify(e, "read folder " + known, false);
                if (!isNotFound(e)) {
                    throw failure; // transient or final, as classified; the task's state keeps the id for next time
                }
                LOG.warn("task={} stage=deliver folder={} outcome=gone action=\"look up by name\"", task.taskId(), known);
            }
        }
        String name = folderName(task, taskDir);
        checkParent();
        List<File> found = guarded(() -> drive.list(DriveCalls.inParents(settings.parentFolderId())
                + " and name = " + DriveCalls.quote(name) + " and mimeType = '" + DriveCalls.FOLDER_MIME_TYPE
                + "' and trashed = false"), "look for folder \"" + name + "\"", true);
        // Drive's "name =" matches regardless of case: only a folder of exactly this name is this task's (task "A7"
        // must never adopt task "a7"'s folder, shared with another buyer)
        File exact = found.stream().filter(f -> name.equals(f.getName())).findFirst().orElse(null);
        File folder = exact == null
                ? guarded(() -> drive.createFolder(settings.parentFolderId(), name), "create folder \"" + name + "\"", true)
                : exact;
        state.put(FOLDER_ID_FIELD, folder.getId());
        LOG.info("task={} stage=deliver folder={} outcome={}", task.taskId(), folder.getId(),
                exact == null ? "created" : "found");
        return folder;
    }

    private void checkParent() {
        File parent = guarded(() -> drive.get(settings.parentFolderId()), "read folder " + settings.parentFolderId(), true);
        if (!DriveCalls.FOLDER_MIME_TYPE.equals(parent.getMimeType()) || Boolean.TRUE.equals(parent.getTrashed())) {
            throw failures.missingParent(); // the task fails: the operator must fix the setting
        }
    }

    /** One file to upload into a Drive folder. */
    private record Upload(String folderId, Path file, String name, long size) {
    }

    /** What a delivery still has to do. */
    private static final class Plan {
        final List<Upload> uploads = new ArrayList<>();
        final List<File> stale = new ArrayList<>();
        int skipped;
    }

    /**
     * Walks the local tree ({@link TaskTree}: regular files and folders only, no link followed), making the
     * sub-folders, and compares each file with what Drive holds.
     */
    private Plan plan(String rootId, Path taskDir) throws IOException {
        Plan plan = new Plan();
        TaskTree tree = TaskTree.scan(taskDir);
        Map<Path, String> folderIds = new HashMap<>();
        folderIds.put(Path.of(""), rootId);
        Map<String, List<File>> listings = new HashMap<>();
        // parents before children (the walk's order), so folders exist before what goes in them
        for (Path folder : tree.folders()) {
            String parentId = folderIds.get(parentOf(folder));
            String name = folder.getFileName().toString();
            File sub = sameName(listings, parentId, name).stream()
                    .filter(f -> DriveCalls.FOLDER_MIME_TYPE.equals(f.getMimeType())).findFirst().orElse(null);
            if (sub == null) {
                sub = guarded(() -> drive.createFolder(parentId, name), "create folder \"" + name + "\"", false);
                listings.put(sub.getId(), new ArrayList<>()); // new and empty: no need to list it
            }
            folderIds.put(folder, sub.getId());
        }
        for (TaskTree.Entry file : tree.files()) {
            String parentId = folderIds.get(parentOf(file.path()));
            String name = file.path().getFileName().toString();
            long size = file.size();
            List<File> files = sameName(listings, parentId, name).stream()
                    .filter(f -> !DriveCalls.FOLDER_MIME_TYPE.equals(f.getMimeType())).toList();
            boolean present = files.stream().anyMatch(f -> f.getSize() != null && f.getSize() == size);
            files.stream().filter(f -> f.getSize() == null || f.getSize() != size).forEach(plan.stale::add);
            if (present) {
                plan.skipped++;
            } else {
                plan.uploads.add(new Upload(parentId, taskDir.resolve(file.path()), name, size));
            }
        }
        return plan;
    }

    private static Path parentOf(Path relative) {
        return relative.getParent() == null ? Path.of("") : relative.getParent();
    }

    /** What a Drive folder holds under exactly this name (Drive's own name query ignores case). */
    private List<File> sameName(Map<String, List<File>> listings, String folderId, String name) {
        return listings.computeIfAbsent(folderId, id -> guarded(() -> drive.children(id), "list folder " + id, false))
                .stream().filter(f -> name.equals(f.getName())).toList();
    }

    /** Uploads the plan's files, {@code parallel-uploads} at a time, then trashes stale copies. Returns bytes sent. */
    private long uploadAll(Task task, Plan plan) throws InterruptedException {
        AtomicLong bytes = new AtomicLong();
        if (!plan.uploads.isEmpty()) {
            int threads = Math.min(settings.parallelUploads(), plan.uploads.size());
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "drive-upload-" + task.taskId() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            List<Future<?>> running = new ArrayList<>();
            try {
                for (Upload upload : plan.uploads) {
                    running.add(pool.submit(() -> {
                        upload(task, upload);
                        bytes.addAndGet(upload.size);
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        // The task fails (transient or final, as classified). Files already complete stay and are
                        // skipped by the next attempt; see finally for the ones in flight.
                        Throwable cause = e.getCause();
                        throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
                    }
                }
            } catch (InterruptedException e) {
                // enrollflow is stopping: abandon the uploads (the finally below does not wait, the flag is set again);
                // the task's next attempt, here or on another instance, redoes the unfinished ones.
                pool.shutdownNow();
                Thread.currentThread().interrupt();
                throw e;
            } finally {
                // Uploads not started are dropped; those in flight are let finish before this attempt ends, so that a
                // next attempt cannot start the same file while it is still being sent (it would arrive twice).
                running.forEach(f -> f.cancel(false));
                pool.shutdown();
                pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            }
        }
        for (File stale : plan.stale) {
            guarded(() -> drive.trash(stale.getId()), "trash stale copy of \"" + stale.getName() + "\"", false);
            LOG.info("task={} stage=deliver file=\"{}\" id={} outcome=trashed why=\"replaced by a copy of another size\"",
                    task.taskId(), stale.getName(), stale.getId());
        }
        return bytes.get();
    }

    private void upload(Task task, Upload upload) {
        long started = System.nanoTime();
        File uploaded = guarded(() -> drive.upload(upload.folderId, upload.name, upload.file, mimeType(upload.file)),
                "upload \"" + upload.name + "\"", false);
        LOG.debug("task={} stage=deliver file=\"{}\" id={} bytes={} ms={} outcome=uploaded", task.taskId(), upload.name,
                uploaded.getId(), upload.size, (System.nanoTime() - started) / 1_000_000);
    }

    private void share(Task task, String folderId) {
        String email = task.email();
        boolean shared = guarded(() -> drive.permissions(folderId), "list permissions of folder " + folderId, false)
                .stream().anyMatch(p -> "user".equals(p.getType()) && email.equalsIgnoreCase(p.getEmailAddress())
                        && settings.shareRole().equals(p.getRole()));
        if (shared) {
            LOG.debug("task={} stage=deliver folder={} email={} outcome=already-shared", task.taskId(), folderId, Masking.email(email));
            return;
        }
        Permission permission = new Permission().setType("user").setRole(settings.shareRole()).setEmailAddress(email);
        guarded(() -> drive.share(folderId, permission, settings.notifyBuyer()),
                "share folder " + folderId + " with " + Masking.email(email), false);
        LOG.info("task={} stage=deliver folder={} email={} role={} notify={} outcome=shared", task.taskId(), folderId,
                Masking.email(email), settings.shareRole(), settings.notifyBuyer());
    }

    /** MIME type by file name; Drive stores what we say, and the fallback is plain bytes. */
    static String mimeType(Path file) {
        String type = null;
        try {
            type = Files.probeContentType(file);
        } catch (IOException e) {
            // No type detector could look: the name-based guess below decides; the task goes on.
        }
        if (type == null) {
            type = URLConnection.guessContentTypeFromName(file.getFileName().toString().toLowerCase(Locale.ROOT));
        }
        return type == null ? DEFAULT_MIME_TYPE : type;
    }

    private static boolean isNotFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.google.api.client.http.HttpResponseException http) {
                return http.getStatusCode() == 404;
            }
        }
        return false;
    }

    /** Runs one Drive call; its failure becomes the task's fate through {@link DriveFailures}. */
    private <T> T guarded(java.util.function.Supplier<T> call, String doing, boolean onParent) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw failures.classify(e, doing, onParent);
        }
    }
}

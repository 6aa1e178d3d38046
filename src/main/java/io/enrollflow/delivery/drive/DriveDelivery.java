package io.enrollflow.delivery.drive;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.util.Sleeper;
import com.google.api.services.drive.DriveScopes;
import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.Permission;
import io.enrollflow.config.ConfigException;
import io.enrollflow.config.DriveSettings;
import io.enrollflow.config.Placeholders;
import io.enrollflow.config.Settings;
import io.enrollflow.delivery.Delivery;
import io.enrollflow.delivery.DeliveryState;
import io.enrollflow.logging.Event;
import io.enrollflow.task.Task;
import io.enrollflow.util.Masking;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.google.drive.GoogleDriveComponent;
import org.apache.camel.component.google.drive.GoogleDriveConfiguration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Delivers a task's folder to Google Drive (docs/contract.md §5). One delivery, in order:
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

    private static final Logger LOG = LogManager.getLogger(DriveDelivery.class);

    private final DriveSettings settings;
    private final DriveCalls drive;
    private final DriveFailures failures;
    private final DriveSignIn signIn;
    private final DriveTreeUploader uploader;

    private DriveDelivery(DriveSettings settings, DriveCalls drive, DriveFailures failures, DriveSignIn signIn,
                          CamelContext camel) {
        this.settings = settings;
        this.drive = drive;
        this.failures = failures;
        this.signIn = signIn;
        this.uploader = new DriveTreeUploader(settings.parallelUploads(), camel.getExecutorServiceManager(), drive, failures);
    }

    /**
     * Checks every {@code enrollflow.drive.*} setting, reads the credentials file ({@link DriveAccount}), sets
     * enrollflow's client factory on the {@code google-drive} component and returns the delivery. Called once at
     * start-up, after the CamelContext exists and before routes start. Once per CamelContext: the component caches the
     * client built here, so a second call on the same context would keep the first call's settings.
     *
     * @throws ConfigException naming the key of the first wrong setting (a missing or unreadable file included)
     */
    public static DriveDelivery create(Settings settings, CamelContext camel) {
        return create(settings, camel, DriveGuard.NONE, DriveThrottle.NONE, DriveSignIn.NONE);
    }

    /**
     * As {@link #create(Settings, CamelContext)}, with a guard asked before every Drive request (each upload chunk
     * included, and as each upload reads its file), so that a fenced run sends nothing more (docs/contract.md §7), every
     * request waiting out the fleet's Drive pause, and the fleet told when the credentials are refused or work again.
     */
    public static DriveDelivery create(Settings settings, CamelContext camel, DriveGuard guard, DriveThrottle throttle,
                                       DriveSignIn signIn) {
        DriveSettings drive = DriveSettings.from(settings);
        NetHttpTransport transport = new NetHttpTransport();
        DriveAccount account = DriveAccount.read(drive, transport);

        GoogleDriveComponent component = camel.getComponent("google-drive", GoogleDriveComponent.class);
        component.setClientFactory(new DriveClientFactory(drive, account.credentials(), transport, Sleeper.DEFAULT,
                guard, throttle));
        // The component builds its client only when a service-account key is configured; ours is already parsed (of
        // either kind), and the path is what the component hands back to the factory.
        // (A configuration of our own: in 4.17.0 a fresh component's getConfiguration() answers null.)
        GoogleDriveConfiguration configuration = new GoogleDriveConfiguration();
        configuration.setServiceAccountKey(account.file().toAbsolutePath().toString());
        configuration.setDelegate(drive.delegate().isEmpty() ? null : drive.delegate());
        configuration.setScopes(DriveScopes.DRIVE);
        configuration.setApplicationName(DriveClientFactory.APPLICATION_NAME);
        component.setConfiguration(configuration);
        // Build the cached client now: the component's lazy getClient is not synchronised, and parallel uploads
        // would otherwise race to build two.
        component.getClient(configuration);

        ProducerTemplate template = camel.createProducerTemplate();
        DriveFailures failures = new DriveFailures(drive, account, throttle, signIn);
        // who: the service account's email, or the OAuth client's id (neither is a secret nor a buyer's)
        Event.info(LOG).stage("deliver").kv("target", "drive").kv("parent", drive.parentFolderId())
                .kv("account", account.who())
                .kv("kind", account.user() ? DriveAccount.AUTHORIZED_USER : "service_account")
                .kv("delegate", Masking.email(drive.delegate()))
                .kv("root", drive.rootUrl().isEmpty() ? "https://www.googleapis.com/" : drive.rootUrl()).log();
        return new DriveDelivery(drive, new DriveCalls(template, guard), failures, signIn, camel);
    }

    @Override
    public String deliver(Task task, Path taskDir, DeliveryState state) throws Exception {
        long started = System.nanoTime();
        File folder = taskFolder(task, taskDir, state);
        DriveTreeUploader.Plan plan = uploader.plan(folder.getId(), taskDir);
        long bytes = uploader.upload(task, plan);
        share(task, folder.getId());
        signIn.accepted();
        Event.info(LOG).task(task.taskId()).stage("deliver").outcome("delivered").kv("folder", folder.getId())
                .kv("uploaded", plan.uploads.size()).kv("skipped", plan.skipped).kv("trashed", plan.stale.size())
                .kv("bytes", bytes).kv("ms", (System.nanoTime() - started) / 1_000_000).log();
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
                Event.warn(LOG).task(task.taskId()).stage("deliver").kv("folder", known).outcome("trashed")
                        .kv("action", "look up by name").log();
            } catch (RuntimeException e) {
                RuntimeException failure = failures.classify(e, "read folder " + known, false);
                if (!DriveFailures.isNotFound(e)) {
                    throw failure; // transient or final, as classified; the task's state keeps the id for next time
                }
                Event.warn(LOG).task(task.taskId()).stage("deliver").kv("folder", known).outcome("gone")
                        .kv("action", "look up by name").log();
            }
        }
        String name = folderName(task, taskDir);
        checkParent();
        List<File> found = failures.guarded(() -> drive.list(DriveCalls.inParents(settings.parentFolderId())
                + " and name = " + DriveCalls.quote(name) + " and mimeType = '" + DriveCalls.FOLDER_MIME_TYPE
                + "' and trashed = false"), "look for folder \"" + name + "\"", true);
        // Drive's "name =" matches regardless of case: only a folder of exactly this name is this task's (task "A7"
        // must never adopt task "a7"'s folder, shared with another buyer)
        File exact = found.stream().filter(f -> name.equals(f.getName())).findFirst().orElse(null);
        File folder = exact == null
                ? failures.guarded(() -> drive.createFolder(settings.parentFolderId(), name),
                        "create folder \"" + name + "\"", true)
                : exact;
        state.put(FOLDER_ID_FIELD, folder.getId());
        Event.info(LOG).task(task.taskId()).stage("deliver").kv("folder", folder.getId())
                .outcome(exact == null ? "created" : "found").log();
        return folder;
    }

    private void checkParent() {
        String parentId = settings.parentFolderId();
        File parent = failures.guarded(() -> drive.get(parentId), "read folder " + parentId, true);
        if (!DriveCalls.FOLDER_MIME_TYPE.equals(parent.getMimeType()) || Boolean.TRUE.equals(parent.getTrashed())) {
            throw failures.missingParent(); // the task fails: the operator must fix the setting
        }
    }

    private void share(Task task, String folderId) {
        String email = task.email();
        boolean shared = failures.guarded(() -> drive.permissions(folderId), "list permissions of folder " + folderId, false)
                .stream().anyMatch(p -> "user".equals(p.getType()) && email.equalsIgnoreCase(p.getEmailAddress())
                        && settings.shareRole().equals(p.getRole()));
        if (shared) {
            Event.debug(LOG).task(task.taskId()).stage("deliver").kv("folder", folderId).email(email)
                    .outcome("already-shared").log();
            return;
        }
        Permission permission = new Permission().setType("user").setRole(settings.shareRole()).setEmailAddress(email);
        failures.guarded(() -> drive.share(folderId, permission, settings.notifyBuyer()),
                "share folder " + folderId + " with " + Masking.email(email), false);
        Event.info(LOG).task(task.taskId()).stage("deliver").kv("folder", folderId).email(email)
                .kv("role", settings.shareRole()).kv("notify", settings.notifyBuyer()).outcome("shared").log();
    }
}

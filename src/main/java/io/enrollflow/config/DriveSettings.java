package io.enrollflow.config;

import io.enrollflow.util.Masking;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code enrollflow.drive.*} settings, each checked once at start-up so that a wrong value stops enrollflow with
 * one line naming the key (docs/contract.md §1). Defaults live in application.properties only.
 * <p>
 * Exactly one of {@link #serviceAccountKey()} and {@link #credentials()} is set (the other is null): how enrollflow signs
 * in to Drive (docs/contract.md §5). The files themselves are read by {@code delivery.drive.DriveAccount}.
 */
public record DriveSettings(Path serviceAccountKey, Path credentials, String delegate, String parentFolderId,
                            String folderName, String shareRole, boolean notifyBuyer, String rootUrl, int parallelUploads,
                            Duration connectTimeout, Duration readTimeout, int chunkSizeBytes,
                            Duration retryInitialInterval, Duration retryMaxElapsed) {

    // Keys named more than once; the others are written out where they are read (once, in from()), so that a search
    // for a whole key finds where it is parsed.
    public static final String SERVICE_ACCOUNT_KEY = "enrollflow.drive.service-account-key";
    public static final String CREDENTIALS = "enrollflow.drive.credentials";
    public static final String DELEGATE = "enrollflow.drive.delegate";
    public static final String FOLDER_NAME = "enrollflow.drive.folder-name";
    public static final String ROOT_URL = "enrollflow.drive.root-url";
    public static final String CHUNK_SIZE_KIB = "enrollflow.drive.chunk-size-kib";

    /** Drive's resumable protocol wants every chunk but the last to be a multiple of 256 KiB. */
    public static final int CHUNK_GRANULE_KIB = 256;

    public static DriveSettings from(Settings settings) {
        String template = settings.required(FOLDER_NAME);
        // the placeholders a folder name may use: the same as the download command's (docs/contract.md §5)
        Placeholders.check(FOLDER_NAME, template);
        int chunkKib = settings.integer(CHUNK_SIZE_KIB, CHUNK_GRANULE_KIB, 512 * 1024);
        if (chunkKib % CHUNK_GRANULE_KIB != 0) {
            throw new ConfigException(CHUNK_SIZE_KIB, chunkKib + " is not a multiple of " + CHUNK_GRANULE_KIB);
        }
        String rootUrl = "";
        if (!settings.text(ROOT_URL).isEmpty()) {
            rootUrl = settings.httpUrl(ROOT_URL).toString();
            rootUrl = rootUrl.endsWith("/") ? rootUrl : rootUrl + "/";
        }
        String delegate = settings.text(DELEGATE);
        if (!delegate.isEmpty() && !delegate.matches("[^@\\s]+@[^@\\s]+")) {
            throw new ConfigException(DELEGATE, "\"" + Masking.email(delegate) + "\" is not an email address");
        }
        String key = settings.text(SERVICE_ACCOUNT_KEY);
        String credentials = settings.text(CREDENTIALS);
        if (key.isEmpty() && credentials.isEmpty()) {
            throw new ConfigException(SERVICE_ACCOUNT_KEY, "is required but empty: set it to a service-account key file, or set "
                    + CREDENTIALS + " to a Google account's sign-in (made by: enrollflow drive login)");
        }
        if (!key.isEmpty() && !credentials.isEmpty()) {
            throw new ConfigException(CREDENTIALS, "set only one of " + CREDENTIALS + " and " + SERVICE_ACCOUNT_KEY);
        }
        if (!delegate.isEmpty() && key.isEmpty()) {
            throw new ConfigException(DELEGATE, "domain-wide delegation needs " + SERVICE_ACCOUNT_KEY
                    + "; with " + CREDENTIALS + " enrollflow acts as the account that signed in");
        }
        return new DriveSettings(
                key.isEmpty() ? null : Path.of(key),
                credentials.isEmpty() ? null : Path.of(credentials),
                delegate,
                settings.required("enrollflow.drive.parent-folder-id"),
                template,
                settings.choice("enrollflow.drive.share-role", "reader", "commenter", "writer"),
                settings.flag("enrollflow.drive.notify"),
                rootUrl,
                settings.integer("enrollflow.drive.parallel-uploads", 1, 32),
                positive(settings, "enrollflow.drive.connect-timeout"),
                positive(settings, "enrollflow.drive.read-timeout"),
                chunkKib * 1024,
                positive(settings, "enrollflow.drive.retry-initial-interval"),
                positive(settings, "enrollflow.drive.retry-max-elapsed"));
    }

    private static Duration positive(Settings settings, String key) {
        Duration d = settings.duration(key);
        if (d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigException(key, "must be more than 0 and less than 24 days");
        }
        return d;
    }
}

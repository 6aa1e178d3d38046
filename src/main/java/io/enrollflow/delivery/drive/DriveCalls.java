package io.enrollflow.delivery.drive;

import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.FileList;
import com.google.api.services.drive.model.Permission;
import com.google.api.services.drive.model.PermissionList;
import io.enrollflow.tracing.Tracing;
import org.apache.camel.ProducerTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Drive REST calls enrollflow makes, each through a camel-google-drive endpoint. Method arguments and request
 * parameters travel as {@code CamelGoogleDrive.*} headers: the producer picks the API method by argument names and then
 * sets every remaining header as a property of the request object, which is how {@code q}, {@code pageToken} and
 * {@code fields} reach Drive although the endpoint lists no option for {@code fields}.
 * {@code supportsAllDrives=true} is an endpoint option here and is also set on every request by
 * {@link DriveClientFactory}.
 * <p>
 * Every method throws what the Camel call threw (wrapped Google exceptions); {@link DriveFailures} classifies it.
 */
final class DriveCalls {

    static final String FOLDER_MIME_TYPE = "application/vnd.google-apps.folder";
    static final String HEADER = "CamelGoogleDrive.";

    /** Drive's largest page; fewer round trips for big folders. */
    static final int PAGE_SIZE = 1000;

    static final String FILE_FIELDS = "id,name,mimeType,size,md5Checksum,appProperties,trashed,webViewLink";

    /**
     * The private property (visible to enrollflow's credentials only) in which an upload records the local file's
     * last-modified time, epoch milliseconds: with the size, what tells a file that changed after it was uploaded.
     */
    static final String MODIFIED_PROPERTY = "enrollflowModified";

    private static final String FILES_GET = "google-drive://drive-files/get?supportsAllDrives=true";
    private static final String FILES_LIST = "google-drive://drive-files/list?supportsAllDrives=true"
            + "&includeItemsFromAllDrives=true&pageSize=" + PAGE_SIZE;
    private static final String FILES_CREATE = "google-drive://drive-files/create?supportsAllDrives=true";
    private static final String FILES_UPDATE = "google-drive://drive-files/update?supportsAllDrives=true";
    private static final String PERMISSIONS_LIST = "google-drive://drive-permissions/list?supportsAllDrives=true"
            + "&pageSize=100";
    private static final String PERMISSIONS_CREATE = "google-drive://drive-permissions/create?supportsAllDrives=true";

    private final ProducerTemplate template;
    private final DriveGuard guard;

    DriveCalls(ProducerTemplate template, DriveGuard guard) {
        this.template = template;
        this.guard = guard;
    }

    File get(String fileId) {
        return call(FILES_GET, File.class, "fileId", fileId, "fields", FILE_FIELDS);
    }

    /** Every page of a query ({@code nextPageToken} followed to the end). */
    List<File> list(String query) {
        List<File> all = new ArrayList<>();
        String pageToken = null;
        do {
            FileList page = call(FILES_LIST, FileList.class, "q", query, "pageToken", pageToken,
                    "fields", "nextPageToken,files(" + FILE_FIELDS + ")");
            if (page.getFiles() != null) {
                all.addAll(page.getFiles());
            }
            pageToken = page.getNextPageToken();
        } while (pageToken != null && !pageToken.isEmpty());
        return all;
    }

    /** What a folder holds, not trashed, every page. */
    List<File> children(String folderId) {
        return list(inParents(folderId) + " and trashed = false");
    }

    File createFolder(String parentId, String name) {
        File folder = new File().setName(name).setMimeType(FOLDER_MIME_TYPE).setParents(List.of(parentId))
                .setAppProperties(Map.of(MODIFIED_PROPERTY, "0"));
        return call(FILES_CREATE, File.class, "content", folder, "fields", FILE_FIELDS);
    }

    /**
     * A resumable upload streamed from disk: {@link NoFollowFileContent} is re-readable, so {@code MediaHttpUploader}
     * can seek back after a failed chunk, never opens the file through a link, and asks the guard as it reads; the
     * chunk size is set by {@link DriveClientFactory}. The file's last-modified time as the caller saw it before the
     * upload ({@value #MODIFIED_PROPERTY}) goes with it: a change while the bytes are read leaves a newer time on disk.
     *
     * @param runGuard asked as the file is read, besides this client's guard: false stops the upload (its run was fenced)
     */
    File upload(String parentId, String name, java.nio.file.Path file, String mimeType, long modified,
                java.util.function.BooleanSupplier runGuard) {
        File metadata = new File().setName(name).setParents(List.of(parentId)).setMimeType(mimeType)
                .setAppProperties(Map.of(MODIFIED_PROPERTY, Long.toString(modified)));
        DriveGuard both = new DriveGuard(() -> runGuard.getAsBoolean() && guard.mayAct().getAsBoolean(), guard.generation());
        NoFollowFileContent content = new NoFollowFileContent(mimeType, file, both);
        // No fields header here: with an argument beyond (content, mediaContent) the producer cannot tell create from
        // create-with-media and logs a WARN per upload; DriveClientFactory sets fields on media uploads instead.
        return call(FILES_CREATE, File.class, "content", metadata, "mediaContent", content);
    }

    /** To the trash, not deleted: recoverable, and a Shared Drive's Content manager may trash but not delete. */
    File trash(String fileId) {
        return call(FILES_UPDATE, File.class, "fileId", fileId, "file", new File().setTrashed(true), "fields", "id,trashed");
    }

    List<Permission> permissions(String fileId) {
        List<Permission> all = new ArrayList<>();
        String pageToken = null;
        do {
            PermissionList page = call(PERMISSIONS_LIST, PermissionList.class, "fileId", fileId, "pageToken", pageToken,
                    "fields", "nextPageToken,permissions(id,type,role,emailAddress)");
            if (page.getPermissions() != null) {
                all.addAll(page.getPermissions());
            }
            pageToken = page.getNextPageToken();
        } while (pageToken != null && !pageToken.isEmpty());
        return all;
    }

    Permission share(String fileId, Permission permission, boolean sendNotificationEmail) {
        return call(PERMISSIONS_CREATE, Permission.class, "fileId", fileId, "content", permission,
                "sendNotificationEmail", sendNotificationEmail, "fields", "id,type,role,emailAddress");
    }

    /** {@code '<id>' in parents}. */
    static String inParents(String folderId) {
        return quote(folderId) + " in parents";
    }

    /** A string literal of Drive's query language: {@code '} and {@code \} escaped with a backslash. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private <T> T call(String uri, Class<T> type, Object... nameValues) {
        Map<String, Object> headers = new HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null) {
                headers.put(HEADER + nameValues[i], nameValues[i + 1]);
            }
        }
        // the task's trace context: this call's span (when tracing is on) joins the task's trace, also from an upload
        // thread; the producer reads only the CamelGoogleDrive.* headers, so nothing of it reaches Drive
        Tracing.inject(headers::put);
        return template.requestBodyAndHeaders(uri, null, headers, type);
    }
}

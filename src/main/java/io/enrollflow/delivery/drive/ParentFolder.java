package io.enrollflow.delivery.drive;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.model.File;
import com.google.auth.http.HttpCredentialsAdapter;

import java.io.IOException;
import java.util.List;

/**
 * The parent folder for {@code enrollflow.drive.parent-folder-id}, made at sign-in ({@code drive login
 * --create-folder NAME}). With the {@code drive.file} scope enrollflow sees only what it made, so it cannot use a folder
 * the account made by hand: it makes its own, at the top of the account's My Drive. A folder of that name it made
 * before (not trashed) is found instead, so signing in again does not make a second one.
 */
public final class ParentFolder {

    /**
     * @param id      the folder's id
     * @param created true when it was made now, false when found
     */
    public record Result(String id, boolean created) {
    }

    private ParentFolder() {
    }

    /**
     * Finds or makes the folder, as the account signed in.
     *
     * @param rootUrl the Drive API root ({@code enrollflow.drive.root-url}), "" for Google's
     */
    public static Result findOrCreate(DriveAccount account, String rootUrl, String name) throws IOException {
        Drive.Builder builder = new Drive.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(),
                new HttpCredentialsAdapter(account.credentials())).setApplicationName(DriveClientFactory.APPLICATION_NAME);
        if (!rootUrl.isEmpty()) {
            builder.setRootUrl(rootUrl.endsWith("/") ? rootUrl : rootUrl + "/");
        }
        Drive drive = builder.build();
        List<File> found = drive.files().list()
                .setQ("name = " + DriveCalls.quote(name) + " and mimeType = '" + DriveCalls.FOLDER_MIME_TYPE
                        + "' and trashed = false")
                .setFields("files(id,name)").setSupportsAllDrives(true).setIncludeItemsFromAllDrives(true)
                .execute().getFiles();
        // "name =" ignores case at Drive: only the exact name is the folder asked for
        for (File file : found == null ? List.<File>of() : found) {
            if (name.equals(file.getName())) {
                return new Result(file.getId(), false);
            }
        }
        // "root": Drive's name for the top of the account's My Drive
        File folder = drive.files().create(new File().setName(name).setMimeType(DriveCalls.FOLDER_MIME_TYPE)
                .setParents(List.of("root"))).setFields("id").setSupportsAllDrives(true).execute();
        return new Result(folder.getId(), true);
    }
}

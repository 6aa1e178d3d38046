package io.enrollflow.bench;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.FileContent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.DriveScopes;
import com.google.api.services.drive.model.File;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The sequential peer of {@code bench/course.sh}: the shape of the worker enrollflow replaces. Each task (all of them
 * at once, a thread each) runs the download command to its end, then uploads the whole folder to Drive with the same
 * Google client enrollflow uses (google-api-services-drive, resumable uploads), one file after another, backing off on
 * Drive's "slow down" answers as a careful worker would. It prints one line per task:
 * {@code peer task=<id> download_ms=<n> upload_ms=<n> bytes=<n>}.
 * <p>
 * Arguments: {@code <root-url> <key-file> <parent-id> <work-dir> <command> <course-url> <task-id>...}; the command is
 * run as {@code <command> <task-dir> <course-url>}, as enrollflow runs it.
 */
public final class SequentialPeer {

    private SequentialPeer() {
    }

    public static void main(String[] args) throws Exception {
        String rootUrl = args[0];
        Path key = Path.of(args[1]);
        String parentId = args[2];
        Path workDir = Path.of(args[3]);
        List<String> command = List.of(args[4], "", args[5]);
        List<String> taskIds = List.of(args).subList(6, args.length);
        NetHttpTransport transport = new NetHttpTransport();
        GoogleCredentials credentials;
        try (InputStream in = Files.newInputStream(key)) {
            credentials = ServiceAccountCredentials.fromStream(in, () -> transport).createScoped(List.of(DriveScopes.DRIVE));
        }
        Drive drive = new Drive.Builder(transport, GsonFactory.getDefaultInstance(), new HttpCredentialsAdapter(credentials))
                .setRootUrl(rootUrl).setApplicationName("sequential-peer").build();
        ExecutorService workers = Executors.newFixedThreadPool(taskIds.size());
        List<Future<String>> results = new ArrayList<>();
        for (String taskId : taskIds) {
            results.add(workers.submit(() -> task(drive, parentId, workDir.resolve(taskId), command, taskId)));
        }
        for (Future<String> result : results) {
            System.out.println(result.get());
        }
        workers.shutdown();
    }

    private static String task(Drive drive, String parentId, Path taskDir, List<String> command, String taskId)
            throws Exception {
        Files.createDirectories(taskDir);
        long started = System.nanoTime();
        List<String> argv = new ArrayList<>(command);
        argv.set(1, taskDir.toString());
        Process download = new ProcessBuilder(argv).directory(taskDir.toFile()).redirectErrorStream(true)
                .redirectOutput(taskDir.resolveSibling(taskId + ".log").toFile()).start();
        if (download.waitFor() != 0) {
            throw new IllegalStateException("the download of " + taskId + " exited " + download.exitValue());
        }
        long downloaded = System.nanoTime();
        String folderId = create(drive, new File().setName(taskId).setParents(List.of(parentId))
                .setMimeType("application/vnd.google-apps.folder"), null);
        Map<Path, String> folders = new HashMap<>(Map.of(taskDir, folderId));
        long bytes = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(taskDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String parent = folder(drive, folders, file.getParent());
            create(drive, new File().setName(file.getFileName().toString()).setParents(List.of(parent)),
                    new FileContent(file.toString().endsWith(".mp4") ? "video/mp4" : "text/vtt", file.toFile()));
            bytes += Files.size(file);
        }
        long uploaded = System.nanoTime();
        return "peer task=" + taskId + " download_ms=" + (downloaded - started) / 1_000_000 + " upload_ms="
                + (uploaded - downloaded) / 1_000_000 + " bytes=" + bytes;
    }

    private static String folder(Drive drive, Map<Path, String> folders, Path dir) throws Exception {
        String known = folders.get(dir);
        if (known != null) {
            return known;
        }
        String id = create(drive, new File().setName(dir.getFileName().toString())
                .setParents(List.of(folder(drive, folders, dir.getParent())))
                .setMimeType("application/vnd.google-apps.folder"), null);
        folders.put(dir, id);
        return id;
    }

    /** One create, again after a back-off while Drive answers 429 or a rate-limit 403. */
    private static String create(Drive drive, File metadata, FileContent content) throws Exception {
        for (long wait = 500; ; wait = Math.min(wait * 2, 32_000)) {
            try {
                Drive.Files.Create create = content == null ? drive.files().create(metadata)
                        : drive.files().create(metadata, content);
                return create.setSupportsAllDrives(true).setFields("id").execute().getId();
            } catch (GoogleJsonResponseException e) {
                boolean slowDown = e.getStatusCode() == 429 || (e.getStatusCode() == 403 && e.getDetails() != null
                        && String.valueOf(e.getDetails().getErrors().get(0).getReason()).toLowerCase().contains("ratelimit"));
                if (!slowDown) {
                    throw e;
                }
                Thread.sleep(wait);
            } catch (IOException e) {
                Thread.sleep(wait);
            }
        }
    }
}

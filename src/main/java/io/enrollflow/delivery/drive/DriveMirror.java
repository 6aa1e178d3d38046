package io.enrollflow.delivery.drive;

import com.google.api.services.drive.model.File;
import io.enrollflow.download.TaskTree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task's Drive folder held against its local tree: the mirror's rule (docs/contract.md §5), shared by the delivery
 * after the download and by the uploads while it runs.
 * <ul>
 *   <li>a local folder is found by name in its Drive parent, or created (parents first);</li>
 *   <li>a local file is already there when its Drive folder holds a file of the same name and size that did not change
 *       after its upload: the last-modified time recorded with the upload ({@link DriveCalls#MODIFIED_PROPERTY}) is
 *       the local one, or, when the time differs, Drive's MD5 of the content is the local file's (a tool that wrote
 *       the same bytes again). A copy uploaded without a recorded time is judged by name and size alone;</li>
 *   <li>everything else of that name is stale: moved to the trash once the new copy is up;</li>
 *   <li>{@link #vanished}: what enrollflow put in Drive (it carries the property) that the finished download no longer
 *       has, such as a tool's intermediate file taken while the download ran, and later removed by the tool.</li>
 * </ul>
 * Each Drive folder is listed once (every page) when first needed; a folder this mirror creates joins its parent's
 * listing.
 * Used by one thread at a time.
 */
final class DriveMirror {

    /** One file to upload into a Drive folder, with the size and time it had when judged. */
    record Upload(String folderId, Path file, String name, long size, long modified) {
    }

    /** What to do about one local file: upload it (null when Drive has it) and trash the stale copies after. */
    record Change(Upload upload, List<File> stale) {
    }

    private final DriveCalls drive;
    private final DriveFailures failures;
    private final Path taskDir;
    private final Map<Path, String> folderIds = new HashMap<>();
    private final Map<String, List<File>> listings = new HashMap<>();

    DriveMirror(DriveCalls drive, DriveFailures failures, Path taskDir, String rootId) {
        this.drive = drive;
        this.failures = failures;
        this.taskDir = taskDir;
        folderIds.put(Path.of(""), rootId);
    }

    /** The Drive folder of a local folder (relative to the task folder), found by name in its parent or created. */
    String folder(Path relative) {
        String known = folderIds.get(relative);
        if (known != null) {
            return known;
        }
        String parentId = folder(parentOf(relative));
        String name = relative.getFileName().toString();
        File sub = sameName(parentId, name).stream()
                .filter(f -> DriveCalls.FOLDER_MIME_TYPE.equals(f.getMimeType())).findFirst().orElse(null);
        if (sub == null) {
            sub = failures.guarded(() -> drive.createFolder(parentId, name), "create folder \"" + name + "\"", false);
            listings.get(parentId).add(sub);
            listings.put(sub.getId(), new ArrayList<>()); // new and empty: no need to list it
        }
        folderIds.put(relative, sub.getId());
        return sub.getId();
    }

    /** Judges one local file of the tree. */
    Change judge(TaskTree.Entry file) {
        String parentId = folder(parentOf(file.path()));
        String name = file.path().getFileName().toString();
        List<File> copies = sameName(parentId, name).stream()
                .filter(f -> !DriveCalls.FOLDER_MIME_TYPE.equals(f.getMimeType())).toList();
        File current = copies.stream().filter(f -> unchanged(f, file)).findFirst().orElse(null);
        List<File> stale = copies.stream().filter(f -> f != current).toList();
        Upload upload = current != null ? null
                : new Upload(parentId, taskDir.resolve(file.path()), name, file.size(), file.modified());
        return new Change(upload, stale);
    }

    /** What enrollflow put in the folders listed so far that the tree no longer has (a folder takes its content along). */
    List<File> vanished(TaskTree tree) {
        Set<Path> local = new HashSet<>(tree.folders());
        tree.files().forEach(f -> local.add(f.path()));
        List<File> out = new ArrayList<>();
        folderIds.forEach((relative, id) -> {
            for (File item : listings.getOrDefault(id, List.of())) {
                boolean ours = item.getAppProperties() != null && item.getAppProperties().containsKey(DriveCalls.MODIFIED_PROPERTY);
                if (ours && !local.contains(relative.resolve(item.getName()))) {
                    out.add(item);
                }
            }
        });
        return out;
    }

    private boolean unchanged(File copy, TaskTree.Entry file) {
        if (copy.getSize() == null || copy.getSize() != file.size()) {
            return false;
        }
        String recorded = copy.getAppProperties() == null ? null : copy.getAppProperties().get(DriveCalls.MODIFIED_PROPERTY);
        if (recorded == null || recorded.equals(Long.toString(file.modified()))) {
            return true;
        }
        return copy.getMd5Checksum() != null && copy.getMd5Checksum().equalsIgnoreCase(md5(taskDir.resolve(file.path())));
    }

    static Path parentOf(Path relative) {
        return relative.getParent() == null ? Path.of("") : relative.getParent();
    }

    /** What a Drive folder holds under exactly this name (Drive's own name query ignores case). */
    private List<File> sameName(String folderId, String name) {
        return listings.computeIfAbsent(folderId, id -> new ArrayList<>(
                        failures.guarded(() -> drive.children(id), "list folder " + id, false)))
                .stream().filter(f -> name.equals(f.getName())).toList();
    }

    /** The file's MD5 as Drive writes it (hex), read without following a link. */
    private static String md5(Path file) {
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to compare it with its copy in Drive", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}

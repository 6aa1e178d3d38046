package io.enrollflow.download;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders enrollflow creates are not world-readable (docs/contract.md §10): a task folder holds a buyer's paid
 * course, a log may quote a course URL. Folders are made {@code rwxr-x---} and files {@code rw-r-----} at creation
 * (no window in which they are open to all); the group may read, so an operator's group can look without root. On a
 * file system without POSIX permissions they are made as the file system makes them.
 */
public final class PrivateFiles {

    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-x---");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r-----");

    private PrivateFiles() {
    }

    /**
     * Creates the folder and any missing parent, each {@code rwxr-x---}; an existing folder is left as it is. The
     * folder is created first and looked at only when that fails: a task's folder is usually new, and one system call
     * then does it (a look first would fail, and a failed look costs an exception in the JDK).
     */
    public static Path folders(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, attribute(dir, FOLDER));
        } catch (FileAlreadyExistsException exists) {
            if (!Files.isDirectory(dir)) {
                throw exists;
            }
        } catch (NoSuchFileException noParent) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent == null) {
                throw noParent;
            }
            folders(parent);
            return folders(dir);
        }
        return dir;
    }

    /** The attribute that makes a new file {@code rw-r-----}, or none where POSIX permissions are not supported. */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return attribute(file, FILE);
    }

    private static FileAttribute<?>[] attribute(Path path, Set<PosixFilePermission> permissions) {
        Path parent = path.toAbsolutePath().getParent();
        boolean posix = parent != null && parent.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }
}

package io.enrollflow.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file only its owner may read ({@code rw-------}): the credentials {@code drive login} makes hold a refresh
 * token, which is the Google account's Drive for whoever has it. The file is created with that mode (a new file in the
 * same folder, opened {@code CREATE_NEW}), written and flushed to disk, then renamed over the target: at no moment does
 * a copy with wider permissions exist, and a reader never sees half a file. The umask can only take bits away.
 */
final class CredentialsFile {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private CredentialsFile() {
    }

    /** Writes {@code content} to {@code target}, replacing what is there. */
    static void write(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException(absolute + " is a folder");
        }
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path temporary = dir.resolve("." + absolute.getFileName() + "." + InstalledAppFlow.random().substring(0, 12)
                + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), ownerOnly)) {
                if (posix) {
                    Files.setPosixFilePermissions(temporary, OWNER_ONLY); // exactly 0600, whatever the umask took
                }
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}

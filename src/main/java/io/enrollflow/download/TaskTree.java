package io.enrollflow.download;

import io.enrollflow.task.TaskParser;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What of a task folder may be delivered (docs/contract.md §5): its regular files and folders, nothing else. The download tool
 * unpacks whatever a course holds, and a symbolic link in it (to a key file, a Kubernetes token, another task's folder)
 * would hand that to the buyer; a FIFO would block the upload; a device could be read for ever. So the tree is walked
 * without following any link ({@link Files#walkFileTree} does not follow links unless asked), and every entry that is
 * neither a regular file nor a folder is left out, counted and named. Files are later opened with
 * {@link LinkOption#NOFOLLOW_LINKS}, so one swapped for a link after this walk is refused rather than followed.
 *
 * @param folders  the sub-folders, parents before children
 * @param files    the regular files with their sizes, in walk order
 * @param leftOut  what is not delivered: links, FIFOs, sockets, devices (relative paths, with their kind)
 */
public record TaskTree(List<Path> folders, List<Entry> files, List<Entry> leftOut) {

    /** How many left-out names a log line or a status message lists (the count is always whole). */
    static final int NAMES_SHOWN = 10;

    /**
     * One entry of the tree.
     *
     * @param path relative to the task folder
     * @param kind {@code file}, {@code link}, {@code other} (FIFO, socket, device)
     * @param size bytes, for a file
     */
    public record Entry(Path path, String kind, long size) {
    }

    /** Walks {@code taskDir} (not following links); a missing folder is an empty tree. */
    public static TaskTree scan(Path taskDir) throws IOException {
        List<Path> folders = new ArrayList<>();
        List<Entry> files = new ArrayList<>();
        List<Entry> leftOut = new ArrayList<>();
        // no look before the walk (for a one-file folder it would add a large share to the walk's cost): the walk says itself when
        // the folder is missing, or is a link or a file (both an empty tree)
        Files.walkFileTree(taskDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(taskDir)) {
                    folders.add(taskDir.relativize(dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.equals(taskDir)) {
                    return FileVisitResult.TERMINATE; // a link or a file where the folder should be
                }
                Path relative = taskDir.relativize(file);
                if (attrs.isRegularFile()) {
                    files.add(new Entry(relative, "file", attrs.size()));
                } else {
                    leftOut.add(new Entry(relative, attrs.isSymbolicLink() ? "link" : "other", 0));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (file.equals(taskDir) && exc instanceof NoSuchFileException) {
                    return FileVisitResult.TERMINATE; // a missing folder is an empty tree
                }
                throw exc;
            }
        });
        return new TaskTree(Collections.unmodifiableList(folders), Collections.unmodifiableList(files),
                Collections.unmodifiableList(leftOut));
    }

    /** True when there is at least one regular file to deliver. */
    public boolean hasFile() {
        return !files.isEmpty();
    }

    /**
     * What a log line or status message says of the left-out entries: "" when none, else their count and the first
     * {@value #NAMES_SHOWN} names, e.g. {@code left out 2 entries that are not regular files or folders: notes.pdf
     * (link), lib (link)}.
     */
    /** A name as a log line may hold it: a line break or escape sequence in a file name must not forge a log line. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (TaskParser.unsafeInText(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    public String leftOutNote() {
        if (leftOut.isEmpty()) {
            return "";
        }
        StringBuilder note = new StringBuilder("left out ").append(leftOut.size())
                .append(leftOut.size() == 1 ? " entry that is" : " entries that are")
                .append(" not a regular file or folder (links, FIFOs, sockets, devices): ");
        for (int i = 0; i < Math.min(NAMES_SHOWN, leftOut.size()); i++) {
            Entry entry = leftOut.get(i);
            note.append(i == 0 ? "" : ", ").append(printable(entry.path().toString())).append(" (").append(entry.kind())
                    .append(')');
        }
        if (leftOut.size() > NAMES_SHOWN) {
            note.append(", …");
        }
        return note.toString();
    }
}

package io.enrollflow.delivery.folder;

import io.enrollflow.delivery.Delivery;
import io.enrollflow.delivery.DeliveryState;
import io.enrollflow.download.PrivateFiles;
import io.enrollflow.download.TaskTree;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Task;
import io.enrollflow.task.TransientTaskException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * {@code enrollflow.delivery.target=folder} (docs/contract.md §5): {@code <folder>/<taskId>} appears in one atomic rename, so
 * a reader sees all of it or nothing. When the task folder may be given up ({@code enrollflow.download.keep=false}) and
 * lies on the same file system, the task folder itself is renamed into place: no byte is copied. Otherwise the tree is
 * copied to a hidden sibling {@code .<taskId>.partial}, which is then renamed. A task delivered again finds its folder
 * there and leaves it as it is; a partial copy left by a crash is removed first. The partial's name is fixed (no listing
 * of the delivery folder, which grows with every task), and two deliveries of one task never run at once: the task's
 * claim admits one run.
 */
public class FolderDelivery implements Delivery {

    private final Path root;
    private final boolean moveTaskFolder;

    /** Copies the task folder, which stays where it is. */
    public FolderDelivery(Path root) {
        this(root, false);
    }

    /**
     * @param moveTaskFolder the task folder may be renamed into place (it is removed after delivery anyway); a copy is
     *                       still made when the rename cannot be atomic (another file system)
     */
    public FolderDelivery(Path root, boolean moveTaskFolder) {
        this.root = root.toAbsolutePath().normalize();
        this.moveTaskFolder = moveTaskFolder;
    }

    @Override
    public String deliver(Task task, Path taskDir, DeliveryState state) {
        return deliver(task, taskDir, null, state);
    }

    @Override
    public String deliver(Task task, Path taskDir, TaskTree walked, DeliveryState state) {
        Path target = root.resolve(task.taskId());
        if (target.toFile().isDirectory()) { // as Files.isDirectory, without its exception when it is missing (usual)
            return target.toUri().toString();
        }
        Path partial = root.resolve("." + task.taskId() + ".partial");
        try {
            if (!Files.isDirectory(root)) {
                PrivateFiles.folders(root);
            }
            TaskTree tree = walked != null ? walked : TaskTree.scan(taskDir);
            if (moveTaskFolder) {
                // what is not delivered must not travel with a renamed folder: links, FIFOs, sockets, devices go first
                // (a link is removed, never what it points at)
                for (TaskTree.Entry entry : tree.leftOut()) {
                    Files.deleteIfExists(taskDir.resolve(entry.path()));
                }
                if (moved(taskDir, target)) {
                    return target.toUri().toString();
                }
            }
            deleteTree(partial);
            copyTree(taskDir, tree, partial);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another delivery of this task finished first: its copy is complete, ours goes
                deleteTree(partial);
            }
            return target.toUri().toString();
        } catch (IOException e) {
            try {
                deleteTree(partial);
            } catch (IOException ignored) {
                // the next attempt removes the stale partial before it starts
            }
            // a full disk or a permission may pass (or be fixed by the operator): the task is retried
            throw new TransientTaskException(FailureReason.DELIVERY_FAILED,
                    "could not deliver to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renames the task folder to the target in one step; false when that cannot be atomic here (then it is copied). */
    private static boolean moved(Path taskDir, Path target) throws IOException {
        try {
            Files.move(taskDir, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException elsewhere) {
            return false;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
            // another delivery of this task finished first: its folder is complete and stays
        }
        return true;
    }

    /** Copies what {@link TaskTree} found deliverable: its folders, then its regular files, none through a link. */
    static void copyTree(Path from, TaskTree tree, Path to) throws IOException {
        PrivateFiles.folders(to);
        for (Path folder : tree.folders()) {
            PrivateFiles.folders(to.resolve(folder.toString()));
        }
        for (TaskTree.Entry file : tree.files()) {
            Path target = to.resolve(file.path().toString());
            try (InputStream in = Files.newInputStream(from.resolve(file.path()), StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = Channels.newOutputStream(FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE), PrivateFiles.fileAttributes(target)))) {
                in.transferTo(out);
            }
        }
    }

    /** Removes a tree; missing is fine. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package io.enrollflow.testing;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A class-data archive of the built jar (the JDK's application class-data sharing) for the JVMs tests start on it.
 * Most of a test jar's start is its JVM reading, parsing and verifying thousands of classes from the jar; with the
 * archive it maps them ready-made. The archive is made once per build, in the background, by whichever test JVM first
 * asks for it: a {@code demo} run (the whole pipeline, then exit) with {@code -XX:ArchiveClassesAtExit}, under a file
 * lock, since several test JVMs run at once. Until it is there, jars start without it: no test waits for it. A JVM
 * given an archive that does not match its jar would say so on its output, so the archive is used only when it is
 * newer than the jar, and only with that jar. Test machinery only: nothing enrollflow does depends on it, and a failure
 * to make it only leaves the tests slower.
 */
final class ClassArchive {

    /** How long the training run may take. */
    private static final long TRAINING_SECONDS = 120;
    private static boolean trainingStarted;

    private ClassArchive() {
    }

    /** The archive of {@code jar} when it is ready; else empty, and it is made in the background if nobody makes it. */
    static synchronized Optional<Path> of(Path jar, List<String> jvmOptions) {
        Path absolute = jar.toAbsolutePath();
        Path archive = absolute.resolveSibling(absolute.getFileName() + ".jsa");
        if (ready(archive, absolute)) {
            return Optional.of(archive);
        }
        if (!trainingStarted) {
            trainingStarted = true;
            Thread training = new Thread(() -> make(absolute, archive, jvmOptions), "class-archive-training");
            training.setDaemon(true);
            training.start();
        }
        return Optional.empty();
    }

    private static boolean ready(Path archive, Path jar) {
        try {
            return Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The training run, unless another test JVM holds the lock (it is making the archive) or it is already made. */
    private static void make(Path jar, Path archive, List<String> jvmOptions) {
        try (FileChannel lockFile = FileChannel.open(jar.resolveSibling(jar.getFileName() + ".jsa.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null || ready(archive, jar)) {
                return;
            }
            // in target/, which the next clean empties: its log stays for a look, nothing is left in /tmp
            Path scratch = Files.createTempDirectory(jar.getParent(), "class-archive-training");
            // beside the archive, so that the move below stays on one file system and is atomic
            Path training = archive.resolveSibling(archive.getFileName() + ".training");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + training, "-jar", jar.toString(), "demo"));
            Process demo = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("training.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!demo.waitFor(TRAINING_SECONDS, TimeUnit.SECONDS)) {
                demo.destroyForcibly().waitFor();
                return;
            }
            if (demo.exitValue() == 0 && Files.isRegularFile(training)) {
                Files.move(training, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            // no archive: the jars start without it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

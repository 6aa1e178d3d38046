package io.enrollflow.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A class-data archive of the built jar (the JDK's application class-data sharing) for the JVMs tests start on it.
 * Most of a test jar's start is its JVM reading, parsing and verifying some 9,000 classes from the 38 MB jar; with the
 * archive it maps them ready-made. The archive is made once per build, by the first test that starts the jar: a
 * {@code demo} run (the whole pipeline, then exit) with {@code -XX:ArchiveClassesAtExit}, under a file lock, since
 * several test JVMs start at once. A JVM given an archive that does not match its jar would say so on its output, so
 * the archive is made after the jar and used only with that jar. Test machinery only: nothing enrollflow does depends
 * on it, and a failure to make it only leaves the tests slower.
 */
final class ClassArchive {

    /** How long the training run may take. */
    private static final long TRAINING_SECONDS = 120;
    private static Optional<Path> made;

    private ClassArchive() {
    }

    /** The archive of {@code jar}, made now if it is missing or older than the jar; empty when it cannot be made. */
    static synchronized Optional<Path> of(Path jar, List<String> jvmOptions) {
        if (made == null) {
            made = make(jar.toAbsolutePath(), jvmOptions);
        }
        return made;
    }

    private static Optional<Path> make(Path jar, List<String> jvmOptions) {
        Path archive = jar.resolveSibling(jar.getFileName() + ".jsa");
        try (FileChannel lockFile = FileChannel.open(jar.resolveSibling(jar.getFileName() + ".jsa.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                return Optional.of(archive);
            }
            Path scratch = Files.createTempDirectory("enrollflow-class-archive");
            Path training = scratch.resolve("training.jsa");
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + training, "-jar", jar.toString(), "demo"));
            Process demo = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("training.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!demo.waitFor(TRAINING_SECONDS, TimeUnit.SECONDS)) {
                demo.destroyForcibly().waitFor();
                return Optional.empty();
            }
            if (demo.exitValue() != 0 || !Files.isRegularFile(training)) {
                return Optional.empty();
            }
            Files.move(training, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(archive);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

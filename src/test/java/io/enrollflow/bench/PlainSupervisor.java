package io.enrollflow.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor the supervision benchmark compares enrollflow with: starts N copies of a command with
 * {@link ProcessBuilder} (stdin from /dev/null, stdout and stderr merged, each in a folder of its own) and only reads
 * their outputs, one thread per process, until they end. It writes nothing, matches nothing, kills nothing.
 * <p>
 * {@code java … PlainSupervisor N WORK_DIR COMMAND…}: {@code {dir}} in a word of the command becomes the copy's folder.
 * Prints "started" once all run, and "ended" once all ended.
 */
public final class PlainSupervisor {

    private PlainSupervisor() {
    }

    public static void main(String[] args) throws Exception {
        int copies = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        List<String> command = List.of(args).subList(2, args.length);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            Path dir = Files.createDirectories(work.resolve("plain-" + i));
            List<String> words = command.stream().map(word -> word.replace("{dir}", dir.toString())).toList();
            Process process = new ProcessBuilder(words).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            Thread reader = new Thread(() -> drain(process.getInputStream()), "reader-" + i);
            reader.start();
            readers.add(reader);
        }
        System.out.println("started");
        for (Thread reader : readers) {
            reader.join();
        }
        System.out.println("ended");
    }

    private static void drain(InputStream output) {
        byte[] buffer = new byte[8192];
        try {
            while (output.read(buffer) >= 0) {
                // read and dropped: the least a supervisor does with a command's output
            }
        } catch (IOException ended) {
            // the pipe went away with the process
        }
    }
}

package io.enrollflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Small POSIX {@code sh} scripts that stand in for the operator's download tool (docs/contract.md §5), written into a folder
 * of the test's and made executable. Every script appends its task id to a calls file when it starts (so a test can
 * count downloads) and is run by enrollflow, without a shell, as
 * {@code <script> ${taskDir} ${courseUrl} ${taskId} ${orderId} ${quality}} ({@link Script#command()}); its working
 * directory is the task folder.
 * <pre>{@code
 * DownloadScripts scripts = new DownloadScripts(tempDir);
 * Script download = scripts.saysNotEnrolled(1);
 * pipeline.downloadCommand(download.command()).start();
 * ...
 * assertEquals(2, download.calls());
 * }</pre>
 */
public final class DownloadScripts {

    /** The line the scripts print when "not enrolled"; the default not-enrolled pattern matches it. */
    public static final String NOT_ENROLLED_LINE = "Failed to find the course, are you enrolled?";
    /** The file {@link #writesCourse()} writes, relative to the task folder, and its content. */
    public static final String COURSE_FILE = "Module 1/intro.txt";
    public static final String COURSE_TEXT = "welcome to the course\n";

    private final Path dir;

    /** Scripts go into {@code dir} (created when missing). */
    public DownloadScripts(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder of the scripts and of the files they keep. */
    public Path dir() {
        return dir;
    }

    /** Writes {@value #COURSE_FILE} into the task folder; exit 0. */
    public Script writesCourse() {
        return script("writes-course", WRITE_COURSE);
    }

    /** Copies the whole tree under {@code fixture} into the task folder; exit 0. */
    public Script copiesTree(Path fixture) {
        return script("copies-tree", "echo \"copying the course\"\ncp -R " + quote(fixture.toAbsolutePath() + "/.")
                + " \"$1/\"\n");
    }

    /**
     * Writes its argv, one word per line, to the file {@link Script#argv()} reads (each run overwrites it), then the
     * course into its working directory (the task folder). Use with {@link Script#commandWith(String)} to try other
     * command lines.
     */
    public Script recordsArgv() {
        return script("records-argv", """
                : > "$SCRIPT_DIR/records-argv.argv"
                for word in "$@"; do printf '%s\\n' "$word" >> "$SCRIPT_DIR/records-argv.argv"; done
                mkdir -p "Module 1" && printf 'welcome to the course\\n' > "Module 1/intro.txt"
                """);
    }

    /** Prints {@value #NOT_ENROLLED_LINE} and exits 1 on its first {@code times} runs, then writes the course. */
    public Script saysNotEnrolled(int times) {
        return script("not-enrolled", "runs=$(wc -l < \"$SCRIPT_DIR/not-enrolled.calls\")\n"
                + "if [ \"$runs\" -le " + times + " ]; then\n"
                + "  echo \"downloading $2\"\n"
                + "  echo \"" + NOT_ENROLLED_LINE + "\"\n"
                + "  exit 1\n"
                + "fi\n" + WRITE_COURSE);
    }

    /** Prints an error and exits with {@code code}. */
    public Script exits(int code) {
        return script("exits-" + code, "echo \"fatal: the course server hung up\"\nexit " + code + "\n");
    }

    /** Exits 0 without writing any file. */
    public Script writesNothing() {
        return script("writes-nothing", "echo \"nothing to download\"\nexit 0\n");
    }

    /**
     * Starts a child {@code sleep 60} and waits for it: a download that never ends. Its own pid and the child's are
     * appended to the file {@link Script#pids()} reads.
     */
    public Script hangs() {
        return script("hangs", """
                echo $$ >> "$SCRIPT_DIR/hangs.pids"
                sleep 60 &
                echo $! >> "$SCRIPT_DIR/hangs.pids"
                echo "downloading, this takes a while"
                wait
                """);
    }

    /** Waits until {@link Script#openGate()} is called, then writes the course: a download a test holds in flight. */
    public Script waitsForGate() {
        return script("gate", "echo \"waiting for the gate\"\n"
                + "while [ ! -f \"$SCRIPT_DIR/gate.open\" ]; do sleep 0.05; done\n" + WRITE_COURSE);
    }

    /** Writes its environment to the file {@link Script#file(String)} {@code "env"} names, then the course. */
    public Script dumpsEnvironment() {
        return script("dumps-env", "env > \"$SCRIPT_DIR/dumps-env.env\"\n" + WRITE_COURSE);
    }

    /** A script with this body (after the calls line); {@code $1} is the task folder. */
    public Script custom(String name, String body) {
        return script(name, body);
    }

    private static final String WRITE_COURSE = "mkdir -p \"$1/Module 1\"\n"
            + "printf 'welcome to the course\\n' > \"$1/" + COURSE_FILE + "\"\n"
            + "echo \"downloaded $2\"\n";

    private Script script(String name, String body) {
        Path path = dir.resolve(name + ".sh");
        String text = "#!/bin/sh\n"
                + "SCRIPT_DIR=" + quote(dir.toString()) + "\n"
                + "printf '%s\\n' \"$3\" >> \"$SCRIPT_DIR/" + name + ".calls\"\n"
                + body;
        try {
            Files.writeString(path, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Script(name, path, dir);
    }

    /** Single-quotes a word for sh and for enrollflow's command splitting alike. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * One written script.
     *
     * @param name its name (the files it keeps are {@code <name>.calls}, {@code <name>.argv}, …)
     * @param path the executable
     * @param dir  the folder of the scripts and their files
     */
    public record Script(String name, Path path, Path dir) {

        /** The value for {@code enrollflow.download.command}: the script with the standard arguments. */
        public String command() {
            return commandWith("${taskDir} ${courseUrl} ${taskId} ${orderId} ${quality}");
        }

        /** The script followed by these arguments, as written in {@code enrollflow.download.command}. */
        public String commandWith(String arguments) {
            return quote(path.toString()) + " " + arguments;
        }

        /** How many times the script started. */
        public int calls() {
            return lines(name + ".calls").size();
        }

        /** The last run's argv, one word per entry (only for {@link DownloadScripts#recordsArgv()}). */
        public List<String> argv() {
            return lines(name + ".argv");
        }

        /** The pids a {@link DownloadScripts#hangs()} script recorded: its own, then its child's, per run. */
        public List<Long> pids() {
            return lines(name + ".pids").stream().map(String::trim).map(Long::parseLong).toList();
        }

        /** Lets a {@link DownloadScripts#waitsForGate()} script finish. */
        public void openGate() {
            try {
                Files.writeString(dir.resolve("gate.open"), "open");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A file the script wrote next to itself, {@code <name>.<suffix>}; "" when absent. */
        public String file(String suffix) {
            Path file = dir.resolve(name + "." + suffix);
            try {
                return Files.exists(file) ? Files.readString(file) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private List<String> lines(String file) {
            Path path = dir.resolve(file);
            try {
                return Files.exists(path) ? Files.readAllLines(path) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

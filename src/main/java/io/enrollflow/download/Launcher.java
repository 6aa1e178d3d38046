package io.enrollflow.download;

import io.enrollflow.config.ConfigException;
import io.enrollflow.config.DownloadCommand;
import io.enrollflow.config.DownloadSettings;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts a download command (docs/contract.md §5) with {@link ProcessBuilder}: argv, never a shell; the task folder as
 * working directory; stdin from {@code /dev/null}; stdout and stderr into one pipe; the JVM's environment without
 * enrollflow's own {@code ENROLLFLOW_*} variables (tokens), plus {@value #MARK}, a value unique to the run.
 * <p>
 * The command runs behind util-linux's {@code setsid} program, so that it leads a session and process group of its
 * own whose id is its pid (Java 17 cannot start a process in a new group): one signal to the group reaches everything
 * it started that stayed in it ({@link ProcessGroups}). The mark is how the end of the run finds what left the group
 * and lost its parent on the way ({@link Leftovers}): every process the command starts inherits it unless it clears
 * its environment.
 * <p>
 * With a niceness ({@code enrollflow.download.nice}) coreutils' {@code nice} comes between the two, so the command and
 * everything it starts run at that niceness from their first instruction, and its session gets that niceness too
 * ({@link SessionNice}: under autogroup scheduling a process's niceness counts only within its session). The downloads
 * are the machine's bulk work; enrollflow's own threads (the heartbeat above all, which must keep its period for the
 * instance not to be presumed dead) then get the processor first when the downloads ask for more than there is.
 */
final class Launcher {

    /** The variable each run's processes carry, so that what leaves the group is still known as the run's. */
    static final String MARK = "ENROLLFLOW_DOWNLOAD_RUN";
    /** Where the setsid program is looked for before PATH: util-linux installs it there. */
    static final List<Path> SETSID_PLACES = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private static final File DEV_NULL = new File("/dev/null");
    /** The setsid program, looked up once per JVM; empty where it is missing (then no runner can be built). */
    private static final Optional<Path> SETSID = find(SETSID_PLACES, "setsid", System.getenv("PATH"));
    /** Where the nice program is looked for before PATH: coreutils installs it there. */
    static final List<Path> NICE_PLACES = List.of(Path.of("/usr/bin/nice"), Path.of("/bin/nice"));
    private static final Optional<Path> NICE = find(NICE_PLACES, "nice", System.getenv("PATH"));
    /** The JVM's environment, which cannot change while it runs, without ENROLLFLOW_* variables; built once. */
    private static final Map<String, String> ENVIRONMENT = commandEnvironment(System.getenv());
    /** Marks are {@code <this JVM's tag>-<run number>}: unique among the instances sharing a machine. */
    private static final String JVM_TAG = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    private static final AtomicLong RUNS = new AtomicLong();

    private Launcher() {
    }

    /**
     * A started command.
     *
     * @param process the group's leader
     * @param mark    the value of {@value #MARK} its processes carry
     * @param forks   {@link Leftovers#forks()} just before it started: how far the pid counter had come
     */
    record Started(Process process, String mark, long forks) {
    }

    /**
     * The setsid program, for start-up to check.
     *
     * @throws ConfigException when it is missing: start-up stops with one line
     */
    static Path setsid() {
        return SETSID.orElseThrow(Launcher::noSetsid);
    }

    /**
     * The nice program, for start-up to check when a niceness is set.
     *
     * @throws ConfigException when it is missing: start-up stops with one line
     */
    static Path nice() {
        return NICE.orElseThrow(() -> new ConfigException(DownloadSettings.NICE, "a niceness needs the nice program "
                + "(coreutils), which is neither at /usr/bin/nice or /bin/nice nor on PATH; install coreutils or set 0"));
    }

    static ConfigException noSetsid() {
        return new ConfigException(DownloadCommand.KEY, "downloads run behind the setsid program "
                + "(util-linux), which is neither at /usr/bin/setsid or /bin/setsid nor on PATH; install util-linux");
    }

    /** The first executable among {@code places}, then {@code program} in the entries of {@code path}; empty when none is. */
    static Optional<Path> find(List<Path> places, String program, String path) {
        List<Path> candidates = new ArrayList<>(places);
        if (path != null) {
            for (String entry : path.split(":")) {
                if (!entry.isEmpty() && entry.startsWith("/")) {
                    candidates.add(Path.of(entry, program));
                }
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** Starts {@code argv} in {@code dir} at niceness {@code nice} (0: as enrollflow); an {@link IOException} says why it could not start. */
    static Started start(List<String> argv, Path dir, int nice) throws IOException {
        List<String> words = new ArrayList<>(argv.size() + 4);
        words.add(setsid().toString());
        if (nice > 0) {
            words.addAll(List.of(nice().toString(), "-n", Integer.toString(nice)));
        }
        words.addAll(argv);
        String mark = JVM_TAG + "-" + RUNS.incrementAndGet();
        ProcessBuilder builder = new ProcessBuilder(words)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(ENVIRONMENT);
        env.put(MARK, mark);
        long forks = Leftovers.forks();
        Process process = builder.start();
        SessionNice.apply(process, nice);
        return new Started(process, mark, forks);
    }

    static Map<String, String> commandEnvironment(Map<String, String> jvm) {
        Map<String, String> env = new HashMap<>(jvm);
        env.keySet().removeIf(name -> name.startsWith("ENROLLFLOW_"));
        return Map.copyOf(env);
    }
}

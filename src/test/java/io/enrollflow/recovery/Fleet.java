package io.enrollflow.recovery;

import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.testing.DownloadScripts;
import io.enrollflow.testing.DownloadScripts.Script;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The instances of one test, all started from the same settings: a folder for the test ({@code work/} for downloads,
 * {@code delivered/} for folder delivery, {@code scripts/} for download scripts, one log per worker), the settings as
 * environment variables (docs/contract.md §1), and every {@link Worker} started, killed after the test together with any
 * download a killed worker left running.
 * <p>
 * Default settings: folder delivery, concurrency 2, recovery timeout 3s, shutdown timeout 2s, 3 attempts from 500ms
 * (max 2s), enrollment timeout 2s, management off. Change them with {@link #set} before starting a worker.
 */
public final class Fleet implements AfterEachCallback, AutoCloseable {

    /** The recovery timeout of the test settings. */
    public static final String RECOVERY_TIMEOUT = "3s";
    /** The queue key (the default). */
    public static final String QUEUE = "enrollflow:tasks";

    private final Path root;
    private final DownloadScripts scripts;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Worker> workers = new ArrayList<>();

    /** A fleet on this Redis, calling the enrollment API at this URL. */
    public Fleet(String redisUrl, String enrollUrl) {
        try {
            root = Files.createTempDirectory("enrollflow-fleet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scripts = new DownloadScripts(root.resolve("scripts"));
        set("enrollflow.redis.url", redisUrl);
        set("enrollflow.enroll.url", enrollUrl);
        set("enrollflow.enroll.timeout", "2s");
        set("enrollflow.queue.key", QUEUE);
        set("enrollflow.worker.concurrency", "2");
        set("enrollflow.worker.shutdown-timeout", "2s");
        set("enrollflow.queue.poll-timeout", "1s");
        set("enrollflow.queue.recovery-timeout", RECOVERY_TIMEOUT);
        set("enrollflow.download.work-dir", workDir().toString());
        set("enrollflow.download.timeout", "60s");
        set("enrollflow.delivery.target", "folder");
        set("enrollflow.delivery.folder", deliveryFolder().toString());
        set("enrollflow.retry.max-attempts", "3");
        set("enrollflow.retry.initial-delay", "500ms");
        set("enrollflow.retry.max-delay", "2s");
        set("enrollflow.management.port", "0");
    }

    /** Sets a setting for the workers started from now on, as its environment variable (docs/contract.md §1). */
    public Fleet set(String key, String value) {
        env.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value);
        return this;
    }

    /** The settings so far, as the environment variables a worker gets (for other runs of the jar, e.g. a CLI). */
    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    /** {@code enrollflow.download.command} = this script with the standard arguments. */
    public Fleet download(Script script) {
        return set("enrollflow.download.command", script.command());
    }

    /** Starts a worker with the current settings (not waiting for it to be ready). */
    public Worker start() {
        Worker worker = Worker.start("worker-" + (workers.size() + 1), root, env);
        workers.add(worker);
        return worker;
    }

    public DownloadScripts scripts() {
        return scripts;
    }

    public Path root() {
        return root;
    }

    public Path workDir() {
        return root.resolve("work");
    }

    public Path deliveryFolder() {
        return root.resolve("delivered");
    }

    /**
     * A download that counts its runs (one line with the task id per run in {@code <name>.calls}), records its pid in
     * {@code <name>.pids}, works for {@code seconds}, then writes {@value DownloadScripts#COURSE_FILE}.
     */
    public Script slowDownload(String name, double seconds) {
        return scripts.custom(name, "echo $$ >> \"$SCRIPT_DIR/" + name + ".pids\"\n"
                + "echo \"downloading $2\"\n"
                + "sleep " + seconds + "\n"
                + "mkdir -p \"$1/Module 1\"\n"
                + "printf 'welcome to the course\\n' > \"$1/" + DownloadScripts.COURSE_FILE + "\"\n"
                + "echo \"downloaded $2\"\n");
    }

    /** How many times the script ran for each task id. */
    public static Map<String, Long> runsPerTask(Script script) {
        Path calls = script.dir().resolve(script.name() + ".calls");
        try {
            if (!Files.exists(calls)) {
                return Map.of();
            }
            return Files.readAllLines(calls).stream().filter(line -> !line.isBlank())
                    .collect(Collectors.groupingBy(line -> line, TreeMap::new, Collectors.counting()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the delivery folder holds at its top level, hidden partial copies included, sorted. */
    public List<String> deliveredEntries() {
        if (!Files.isDirectory(deliveryFolder())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(deliveryFolder())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops everything ({@link #stopAll()}) and removes the fleet's folder. */
    @Override
    public void close() {
        stopAll();
        delete();
    }

    /** After a test: stops everything; the folder (worker logs) is kept when the test failed, and named. */
    @Override
    public void afterEach(ExtensionContext context) {
        stopAll();
        if (context.getExecutionException().isPresent()) {
            System.err.println("enrollflow fleet of the failed test kept for its logs: " + root);
        } else {
            delete();
        }
    }

    private void delete() {
        try {
            FolderDelivery.deleteTree(root);
        } catch (IOException e) {
            // a temp folder left behind
        }
    }

    /** Kills every worker still running and every download process a killed worker left behind (with its children). */
    public void stopAll() {
        workers.forEach(Worker::close);
        try (Stream<Path> files = Files.exists(root.resolve("scripts")) ? Files.list(root.resolve("scripts")) : Stream.empty()) {
            for (Path pids : files.filter(p -> p.toString().endsWith(".pids")).toList()) {
                for (String line : Files.readAllLines(pids)) {
                    ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(process -> {
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                    });
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a leftover sleep: it ends on its own
        }
    }
}

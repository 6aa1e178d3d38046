package io.enrollflow.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.config.ConfigException;
import io.enrollflow.config.QueueSettings;
import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.delivery.folder.FolderDelivery;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.runtime.EnrollflowRuntime;
import io.enrollflow.util.Causes;
import io.enrollflow.util.Json;
import io.enrollflow.util.Masking;
import org.redisson.api.RDeque;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * {@code enrollflow demo}, the local trial (docs/contract.md §9). Needs nothing but the JDK:
 * <ol>
 *   <li>starts a Redis from the embedded-redis artifact ({@link BundledRedis}) and the {@link SampleEnrollmentService},
 *       both on 127.0.0.1 and free ports, so a Redis or a backend already running is never touched;</li>
 *   <li>starts the real runtime with the bundled settings, pointed at them, with {@link SampleDownload} as the download
 *       command and delivery to {@code ./demo-out/delivered} (cleared first, with {@code ./demo-out/work});</li>
 *   <li>pushes the {@link DemoTask#samples()} with LPUSH, as a producer would, and prints each transition as it
 *       happens ({@link ProgressWatcher});</li>
 *   <li>once every task is completed or failed, stops everything and prints the summary ({@link DemoReport}).</li>
 * </ol>
 * Exit code 0 when every task ended as expected (one is rejected on purpose); 1 when one did not, when they took past
 * {@link #TIMEOUT}, or when something could not start.
 */
public class Demo {

    /** How long the tasks may take in all; they need a few seconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Settings the demo sets over the bundled ones (and over ./application.properties and the environment): its own
     * services, folders and a short retry schedule, so the retried task comes back within seconds.
     */
    static final Map<String, String> FIXED_SETTINGS = Map.ofEntries(
            Map.entry("enrollflow.queue.key", ""),
            // the sample courses' host only, as a deployment sets it (no start-up warning about any host)
            Map.entry("enrollflow.task.allowed-hosts", DemoTask.COURSE_HOST),
            Map.entry("enrollflow.enroll.token", ""),
            Map.entry("enrollflow.enroll.timeout", "10s"),
            Map.entry("enrollflow.delivery.target", "folder"),
            Map.entry("enrollflow.download.keep", "false"),
            Map.entry("enrollflow.download.timeout", "1m"),
            Map.entry("enrollflow.download.quality", "720"),
            Map.entry("enrollflow.worker.concurrency", "3"),
            Map.entry("enrollflow.worker.shutdown-timeout", "5s"),
            Map.entry("enrollflow.queue.poll-timeout", "1s"),
            Map.entry("enrollflow.retry.max-attempts", "3"),
            Map.entry("enrollflow.retry.initial-delay", "1s"),
            Map.entry("enrollflow.retry.multiplier", "2"),
            Map.entry("enrollflow.retry.max-delay", "5s"),
            // no callbacks to a real backend, no management port that could clash with a running instance
            Map.entry("enrollflow.status.callback-url", ""),
            Map.entry("enrollflow.management.port", "0"));

    private static final ObjectMapper JSON = Json.MAPPER;

    private final PrintStream out;
    private final Path baseDir;

    public Demo(PrintStream out) {
        this(out, Path.of(""));
    }

    /** @param baseDir the folder that receives {@code demo-out/} (the working directory from the command line) */
    Demo(PrintStream out, Path baseDir) {
        this.out = out;
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    /**
     * Runs the demo.
     *
     * @param routesDir {@code --routes}, or null for ./routes, else the jar's copy
     * @return the exit code
     */
    public int run(Path routesDir) {
        Path delivered = baseDir.resolve("demo-out").resolve("delivered");
        Path work = baseDir.resolve("demo-out").resolve("work");
        List<DemoTask> tasks = DemoTask.samples();
        out.println("enrollflow demo: a local trial. Nothing leaves this machine; nothing needs installing.");
        out.println();
        try {
            clear(delivered);
            clear(work);
        } catch (IOException e) {
            out.println("demo: could not clear the demo's earlier output: " + e.getMessage());
            return 1;
        }

        BundledRedis redis;
        try {
            redis = BundledRedis.start();
        } catch (RuntimeException e) {
            out.println("demo: the bundled Redis could not start: " + rootMessage(e));
            return 1;
        }
        try (redis; SampleEnrollmentService enrollment = SampleEnrollmentService.start()) {
            Map<String, String> overrides = new LinkedHashMap<>(FIXED_SETTINGS);
            overrides.put("enrollflow.redis.url", redis.url());
            // the bundled Redis whatever the environment names: one server, no replica to wait for
            overrides.put("enrollflow.redis.sentinels", "");
            overrides.put("enrollflow.redis.cluster-nodes", "");
            overrides.put("enrollflow.redis.wait-replicas", "0");
            overrides.put("enrollflow.enroll.url", enrollment.url());
            overrides.put("enrollflow.download.command", SampleDownload.commandSetting());
            overrides.put("enrollflow.download.work-dir", work.toString());
            overrides.put("enrollflow.delivery.folder", delivered.toString());
            Settings settings = Settings.load(null, System.getenv()).with(overrides);

            out.println("Started:");
            line("Redis (bundled, in memory)", redis.url());
            line("sample enrollment service", enrollment.url());
            line("sample download command", SampleDownload.class.getName() + " (writes a small course tree)");
            line("delivery", "to the folder " + delivered);
            return runTasks(settings, routesDir, tasks, delivered, work);
        } catch (ConfigException e) {
            // the command line turns it into its one-line message and exit code 2
            throw e;
        } catch (RuntimeException e) {
            out.println("demo: failed: " + rootMessage(e));
            return 1;
        }
    }

    private int runTasks(Settings settings, Path routesDir, List<DemoTask> tasks, Path delivered, Path work) {
        out.println("  enrollflow runtime          starting (Camel routes from " + routesOrigin(routesDir) + ") ...");
        out.flush();
        EnrollflowRuntime runtime = new EnrollflowRuntime(settings, routesDir);
        Map<String, Map<String, String>> hashes;
        Map<String, DeadLetter> deadLetters = new LinkedHashMap<>();
        try {
            runtime.start();
            RedisKeys keys = RedisKeys.from(RedisSettings.from(settings));
            line("", "started: instance " + runtime.instanceId() + ", "
                    + QueueSettings.from(settings).concurrency() + " workers");

            int idWidth = tasks.stream().mapToInt(t -> t.taskId().length()).max().orElse(4);
            out.println();
            out.println("Queueing " + tasks.size() + " sample tasks (LPUSH " + keys.queue() + ", as the backend would):");
            RDeque<String> queue = runtime.redis().getDeque(keys.queue(), StringCodec.INSTANCE);
            int courseWidth = tasks.stream().mapToInt(t -> t.course().length()).max().orElse(0);
            int emailWidth = tasks.stream().mapToInt(t -> Masking.email(t.email()).length()).max().orElse(0);
            Instant start = Instant.now();
            for (DemoTask task : tasks) {
                queue.addFirst(task.json());
                out.println(String.format(Locale.ROOT, "  %-" + idWidth + "s  %-" + courseWidth + "s  %-" + emailWidth
                        + "s  %s", task.taskId(), task.course(), Masking.email(task.email()), task.story()));
            }
            out.println();
            out.println("Progress (seconds since queued, task, status, message):");
            out.flush();
            try {
                hashes = new ProgressWatcher(runtime.redis(), keys, out, start, idWidth)
                        .awaitAll(tasks.stream().map(DemoTask::taskId).toList(), TIMEOUT);
            } catch (TimeoutException e) {
                out.println();
                out.println("demo: timed out after " + TIMEOUT.toSeconds() + "s; still going: " + e.getMessage());
                out.println("demo: the download logs are in " + work);
                return 1;
            }
            for (DemoTask task : tasks) {
                Object record = runtime.redis().getMap(keys.deadLetters(), StringCodec.INSTANCE).get(task.taskId());
                if (record != null) {
                    deadLetters.put(task.taskId(), new DeadLetter((ObjectNode) JSON.readTree(String.valueOf(record))));
                }
            }
            out.printf(Locale.ROOT, "All %d tasks are done after %.1fs. Stopping the runtime, the sample service and Redis.%n",
                    tasks.size(), Duration.between(start, Instant.now()).toMillis() / 1000.0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("demo: interrupted");
            return 1;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            out.println("demo: failed: " + rootMessage(e));
            return 1;
        } finally {
            stop(runtime);
        }

        List<String> unexpected = unexpected(tasks, hashes, delivered);
        new DemoReport(out, jarCommand()).print(tasks, hashes, deadLetters, unexpected, delivered, work);
        if (!unexpected.isEmpty()) {
            out.println();
            out.println("demo: some tasks did not end as expected (see above); the logs are in " + work);
            return 1;
        }
        return 0;
    }

    /** Stops the runtime; a failure to stop is shown, and the demo still stops Redis and the sample service. */
    private void stop(EnrollflowRuntime runtime) {
        try {
            runtime.stop();
        } catch (RuntimeException e) {
            out.println("demo: the runtime did not stop cleanly: " + rootMessage(e));
        }
    }

    /** One line per task that did not end as its sample says, or whose delivered folder is missing or stray. */
    static List<String> unexpected(List<DemoTask> tasks, Map<String, Map<String, String>> hashes, Path delivered) {
        List<String> problems = new ArrayList<>();
        for (DemoTask task : tasks) {
            Map<String, String> hash = hashes.getOrDefault(task.taskId(), Map.of());
            String status = hash.getOrDefault("status", "?");
            String expected = task.completes() ? "completed" : "failed";
            if (!expected.equals(status)) {
                problems.add(task.taskId() + " ended " + status + ", expected " + expected + ": "
                        + hash.getOrDefault("reason", "") + " " + hash.getOrDefault("message", ""));
            } else if (task.completes() != Files.isDirectory(delivered.resolve(task.taskId()))) {
                problems.add(task.taskId() + (task.completes() ? " completed but its folder is missing from "
                        : " failed but has a folder in ") + delivered);
            }
        }
        return problems;
    }

    /** Where the runtime takes its routes from, as {@link EnrollflowRuntime} decides it. */
    private static String routesOrigin(Path routesDir) {
        if (routesDir != null) {
            return routesDir.toString();
        }
        return Files.isDirectory(Path.of("routes")) ? "./routes" : "the jar's copy";
    }

    /** Removes one of the demo's own output folders, left by an earlier run. */
    private static void clear(Path folder) throws IOException {
        FolderDelivery.deleteTree(folder);
        Files.createDirectories(folder);
    }

    private void line(String what, String value) {
        out.println(String.format(Locale.ROOT, "  %-27s %s", what, value));
        out.flush();
    }

    /** How the person ran this jar ({@code java -jar target/enrollflow.jar}), for the commands the summary suggests. */
    static String jarCommand() {
        try {
            Path location = Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location) && location.getFileName().toString().endsWith(".jar")) {
                Path cwd = Path.of("").toAbsolutePath();
                Path shown = location.startsWith(cwd) ? cwd.relativize(location) : location;
                String word = shown.toString();
                return "java -jar " + (word.matches("[A-Za-z0-9_./:+-]+") ? word : SampleDownload.quote(word));
            }
        } catch (URISyntaxException | RuntimeException notAJar) {
            // run from classes (tests, an IDE): show the usual form
        }
        return "java -jar target/enrollflow.jar";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = Causes.root(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }
}

package io.enrollflow.bench;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.recovery.Fleet;
import io.enrollflow.recovery.History;
import io.enrollflow.recovery.Worker;
import io.enrollflow.testing.DownloadScripts.Script;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.Tasks;
import org.awaitility.Awaitility;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recovery benchmark, run by {@code bench/recovery.sh}: how long after {@code kill -9} of the instance
 * holding a task mid-download a live instance takes the task (the next {@code processing} transition in its history).
 * <p>
 * Two instances run (the built jar, each its own JVM, concurrency 2). Each run pushes one task whose first download
 * never ends in time; the instance that claimed it is killed with SIGKILL; the time to the other instance's take is
 * recorded; the task completes (its second download is quick); a new instance replaces the killed one. Per recovery
 * timeout: median and max over the runs, against the goal of recovery-timeout + 2 s. Reported, never asserted.
 * <p>
 * Options: --runs 10, --timeouts 5s,30s (each with its own run count: --timeouts 5s:10,30s:3), --jar target/enrollflow.jar.
 */
public final class RecoveryBench {

    private static final Duration START = Duration.ofSeconds(90);

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        System.setProperty(Worker.JAR_PROPERTY, Path.of(options.getOrDefault("jar", "target/enrollflow.jar")).toAbsolutePath().toString());
        int defaultRuns = Integer.parseInt(options.getOrDefault("runs", "10"));
        List<String[]> rows = new ArrayList<>();
        for (String spec : options.getOrDefault("timeouts", "5s,30s").split(",")) {
            String[] parts = spec.split(":");
            int runs = parts.length > 1 ? Integer.parseInt(parts[1]) : defaultRuns;
            rows.add(measure(parts[0], runs));
        }
        System.out.println();
        System.out.printf("%-17s %5s %10s %10s %10s %s%n", "recovery-timeout", "runs", "median s", "max s", "goal s", "every run within goal");
        rows.forEach(row -> System.out.printf("%-17s %5s %10s %10s %10s %s%n", (Object[]) row));
        System.out.println("recovery = kill -9 of the instance holding the task mid-download -> the task's next 'processing' transition on a live instance");
        System.exit(0);
    }

    static String[] measure(String timeout, int runs) throws Exception {
        Duration recoveryTimeout = parse(timeout);
        List<Double> seconds = new ArrayList<>();
        try (BundledRedis server = BundledRedis.start(); EnrollmentApiStub api = new EnrollmentApiStub();
             Fleet fleet = new Fleet(server.url(), api.url())) {
            RedissonClient redis = client(server.url());
            try {
                // the first run of each task outlasts any recovery; the run after the kill is quick
                Script download = fleet.scripts().custom("first-run-hangs",
                        "if [ \"$(grep -cx \"$3\" \"$SCRIPT_DIR/first-run-hangs.calls\")\" -le 1 ]; then\n"
                                + "  echo $$ >> \"$SCRIPT_DIR/first-run-hangs.pids\"\n"
                                + "  sleep 300\n"
                                + "fi\n"
                                + "mkdir -p \"$1/Module 1\" && printf 'welcome\\n' > \"$1/Module 1/intro.txt\"\n");
                fleet.download(download).set("enrollflow.queue.recovery-timeout", timeout);
                List<Worker> live = new ArrayList<>(List.of(fleet.start(), fleet.start()));
                for (Worker worker : live) {
                    worker.awaitReady(redis, START);
                }
                for (int run = 1; run <= runs; run++) {
                    String id = "bench-" + timeout + "-" + run;
                    redis.getDeque(Fleet.QUEUE, StringCodec.INSTANCE).addFirst(Tasks.aTask().id(id).json());
                    // mid-download: the status says so and the command has started (its calls file names the task)
                    await(Duration.ofSeconds(60)).until(() -> "downloading".equals(status(redis, id))
                            && Fleet.runsPerTask(download).getOrDefault(id, 0L) >= 1);
                    String owner = String.valueOf(redis.getBucket("enrollflow:claim:" + id, StringCodec.INSTANCE).get());
                    Worker victim = live.stream().filter(w -> owner.contains("-" + w.pid() + "-")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("no live worker holds " + id + " (claim " + owner + ")"));

                    Instant killed = Instant.now();
                    victim.kill9();
                    Instant[] taken = new Instant[1];
                    await(recoveryTimeout.multipliedBy(3).plusSeconds(30)).until(() -> {
                        taken[0] = History.of(redis, id).firstAfter("processing", killed);
                        return taken[0] != null;
                    });
                    double s = Duration.between(killed, taken[0]).toMillis() / 1000.0;
                    seconds.add(s);
                    System.out.printf("recovery-timeout %-4s run %2d: taken again after %6.2f s%n", timeout, run, s);
                    try {
                        await(Duration.ofSeconds(60)).until(() -> "completed".equals(status(redis, id)));
                    } catch (RuntimeException e) {
                        System.out.println(id + " did not complete: " + redis.getMap("enrollflow:task:" + id, StringCodec.INSTANCE).readAllMap());
                        live.forEach(w -> System.out.println("--- " + w.name() + "\n" + w.log()));
                        throw e;
                    }

                    live.remove(victim);
                    Worker replacement = fleet.start();
                    replacement.awaitReady(redis, START);
                    live.add(replacement);
                }
            } finally {
                redis.shutdown();
            }
        }
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double max = sorted[sorted.length - 1];
        double goal = recoveryTimeout.toMillis() / 1000.0 + 2;
        return new String[] {timeout, Integer.toString(sorted.length), String.format("%.2f", median),
                String.format("%.2f", max), String.format("%.1f", goal), max <= goal ? "yes" : "NO " + Arrays.toString(sorted)};
    }

    private static String status(RedissonClient redis, String id) {
        return String.valueOf(redis.getMap("enrollflow:task:" + id, StringCodec.INSTANCE).get("status"));
    }

    private static RedissonClient client(String url) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(url);
        return Redisson.create(config);
    }

    private static Duration parse(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException("a duration like 5s or 30s: " + text);
        };
    }

    private static org.awaitility.core.ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO);
    }
}

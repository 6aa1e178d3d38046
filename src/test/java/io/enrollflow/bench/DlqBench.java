package io.enrollflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.recovery.Fleet;
import io.enrollflow.recovery.Worker;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;
import io.enrollflow.testing.Tasks;
import org.redisson.Redisson;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dead-letter paging benchmark (docs/contract.md §6 "listing costs one page"), run by {@code bench/dlq.sh}:
 * <ol>
 *   <li>a Redis (the bundled binary) and one instance of the built jar with its management API on, intake paused (it
 *       must not take the replayed tasks: the replay is what is measured);</li>
 *   <li>for each size (100, then 100,000 records): records are written as a version without the per-reason and
 *       per-stage indexes wrote them (record, payload, main index: pipelined, fast), then filed by the real
 *       {@link DeadLetterStore#indexExisting()} (timed: the one-time upgrade cost); half are
 *       {@code enrollment_unavailable} at {@code enroll}, the rest spread over the other reasons;</li>
 *   <li>timed at each size: {@code java -jar enrollflow.jar dlq list --limit 50} (a whole JVM, median of
 *       {@code --cli-runs}), {@code GET /api/dead-letters?limit=50} against the running instance (median of
 *       {@code --http-runs} after 3 warm-ups), and in process {@code DeadLetterStore.page} for the newest 50, one
 *       reason, a page 50,000 deep, and a text filter (its bounded scan);</li>
 *   <li>at the largest size: {@code java -Xmx128m -jar enrollflow.jar dlq replay --reason enrollment_unavailable}
 *       (wall time, exit code, the records left and the tasks queued).</li>
 * </ol>
 * Reported, never asserted. Options: --sizes 100,100000, --cli-runs 5, --http-runs 20, --jar target/enrollflow.jar.
 */
public final class DlqBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-token";
    private static final RedisKeys KEYS = RedisKeys.defaults();
    /** The replayed reason: half of every size. */
    private static final String REPLAYED = FailureReason.ENROLLMENT_UNAVAILABLE.word();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path jar = Path.of(options.getOrDefault("jar", "target/enrollflow.jar")).toAbsolutePath();
        System.setProperty(Worker.JAR_PROPERTY, jar.toString());
        int cliRuns = Integer.parseInt(options.getOrDefault("cli-runs", "5"));
        int httpRuns = Integer.parseInt(options.getOrDefault("http-runs", "20"));
        List<Integer> sizes = new ArrayList<>();
        for (String size : options.getOrDefault("sizes", "100,100000").split(",")) {
            sizes.add(Integer.parseInt(size.trim()));
        }

        List<String> rows = new ArrayList<>();
        try (BundledRedis server = BundledRedis.start();
             Fleet fleet = new Fleet(server.url(), "http://127.0.0.1:9/api/v1/enroll")) {
            RedissonClient redis = client(server.url());
            try {
                int port = freePort();
                // never run: intake stays paused; the setting is required all the same
                fleet.download(fleet.scripts().recordsArgv());
                fleet.set("enrollflow.management.port", Integer.toString(port))
                        .set("enrollflow.management.token", TOKEN);
                // paused before it starts: the instance serves the API and takes nothing from the queue
                redis.getBucket(KEYS.intakePaused(), StringCodec.INSTANCE).set(Instant.now().toString());
                Worker worker = fleet.start();
                worker.awaitReady(redis, Duration.ofSeconds(120));
                RedisScripts scripts = new RedisScripts(redis);
                StatusStore status = new StatusStore(redis, scripts, KEYS, 50, "bench", 5);
                DeadLetterStore deadLetters = new DeadLetterStore(redis, scripts, KEYS, status, Integer.MAX_VALUE);
                HttpClient http = HttpClient.newHttpClient();

                int written = 0;
                for (int size : sizes) {
                    long t0 = System.nanoTime();
                    writePreIndexRecords(redis, written, size - written);
                    written = size;
                    double fillS = seconds(t0);
                    redis.getBucket(KEYS.deadLetterIndexesBuilt(), StringCodec.INSTANCE).delete();
                    t0 = System.nanoTime();
                    long filed = deadLetters.indexExisting();
                    double indexS = seconds(t0);
                    System.out.printf("%,d records: written in %.1f s, %,d filed by indexExisting in %.2f s%n",
                            size, fillS, filed, indexS);

                    List<Double> cli = new ArrayList<>();
                    for (int run = 0; run < cliRuns; run++) {
                        Timed list = runJar(fleet, jar, List.of(), fleet.root().resolve("list.out"),
                                "dlq", "list", "--limit", "50");
                        if (list.exitCode() != 0 || !Files.readString(list.out()).contains("50 shown of " + size)) {
                            throw new IllegalStateException("dlq list failed: " + Files.readString(list.out()));
                        }
                        cli.add(list.seconds() * 1000);
                    }
                    List<Double> api = new ArrayList<>();
                    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/dead-letters?limit=50")).header("Authorization", "Bearer " + TOKEN).build();
                    for (int run = 0; run < httpRuns + 3; run++) {
                        long s = System.nanoTime();
                        HttpResponse<String> answer = http.send(get, HttpResponse.BodyHandlers.ofString());
                        double ms = seconds(s) * 1000;
                        if (answer.statusCode() != 200 || JSON.readTree(answer.body()).size() != 50) {
                            throw new IllegalStateException("GET /api/dead-letters: " + answer.statusCode());
                        }
                        if (run >= 3) {
                            api.add(ms);
                        }
                    }
                    double newest = medianMs(() -> deadLetters.page(DeadLetterFilter.ALL, 0, 50));
                    double byReason = medianMs(() -> deadLetters.page(new DeadLetterFilter(REPLAYED, null, null), 0, 50));
                    double deep = medianMs(() -> deadLetters.page(DeadLetterFilter.ALL, Math.max(0, size / 2 - 50), 50));
                    double text = medianMs(() -> deadLetters.page(new DeadLetterFilter(null, null, "order-7"), 0, 50));
                    rows.add(String.format("%,9d %16.0f %18.1f %14.2f %16.2f %18.2f %15.1f", size, median(cli),
                            median(api), newest, byReason, deep, text));
                }

                int largest = sizes.get(sizes.size() - 1);
                long expected = deadLetters.count(new DeadLetterFilter(REPLAYED, null, null));
                Path out = fleet.root().resolve("replay.out");
                Timed replay = runJar(fleet, jar, List.of("-Xmx128m"), out, "dlq", "replay", "--reason", REPLAYED);
                List<String> lines = Files.readAllLines(out);
                String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
                long left = deadLetters.count(new DeadLetterFilter(REPLAYED, null, null));
                long queued = redis.getList(KEYS.queue(), StringCodec.INSTANCE).size();

                System.out.println();
                System.out.printf("%9s %16s %18s %14s %16s %18s %15s%n", "records", "dlq list 50 ms", "GET ?limit=50 ms",
                        "page() ms", "page(reason) ms", "page(middle) ms", "page(text) ms");
                rows.forEach(System.out::println);
                System.out.println("dlq list = whole JVM (java -jar, median of " + cliRuns + "); GET = HTTP round trip to "
                        + "the running instance (median of " + httpRuns + "); page() = in process, newest 50 (median of 20);"
                        + " page(text) = a text filter, which reads at most the newest "
                        + DeadLetterStore.TEXT_SCAN_LIMIT + " records");
                System.out.printf("replay --reason %s of %,d records among %,d with -Xmx128m: exit %d in %.1f s "
                                + "(%.0f records/s); last line \"%s\"; left %d, queued %,d%n", REPLAYED, expected, largest,
                        replay.exitCode(), replay.seconds(), expected / replay.seconds(), last, left, queued);
                worker.sigterm();
                worker.awaitExit(Duration.ofSeconds(30));
            } finally {
                redis.shutdown();
            }
        }
        System.exit(0);
    }

    /**
     * {@code count} records numbered from {@code first}, as a version before the per-reason indexes wrote them: the
     * record, its payload and the main index, pipelined 1,000 at a time. One second apart, newest last.
     */
    static void writePreIndexRecords(RedissonClient redis, int first, int count) {
        FailureReason[] others = {FailureReason.ENROLLMENT_REJECTED, FailureReason.NOT_ENROLLED,
                FailureReason.DOWNLOAD_FAILED, FailureReason.DOWNLOAD_TIMEOUT, FailureReason.DELIVERY_FAILED,
                FailureReason.INVALID_TASK, FailureReason.POISON};
        Stage[] stageOf = {Stage.ENROLL, Stage.DOWNLOAD, Stage.DOWNLOAD, Stage.DOWNLOAD, Stage.DELIVER, Stage.INTAKE,
                Stage.DOWNLOAD};
        long start = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        RBatch batch = redis.createBatch();
        for (int n = first; n < first + count; n++) {
            String id = "bench-" + n;
            boolean outage = n % 2 == 0;
            FailureReason reason = outage ? FailureReason.ENROLLMENT_UNAVAILABLE : others[(n / 2) % others.length];
            Stage stage = outage ? Stage.ENROLL : stageOf[(n / 2) % others.length];
            String payload = Tasks.aTask().id(id).orderId("order-" + n).json();
            long at = start + n * 1000L;
            ObjectNode record = JSON.createObjectNode();
            record.put("taskId", id);
            try {
                record.set("task", JSON.readTree(payload));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            record.put("stage", stage.word());
            record.put("reason", reason.word());
            record.put("message", outage ? "HTTP 503 from the enrollment API" : "exit code 1 (see log)");
            record.put("attempts", 3);
            record.put("firstFailedAt", Instant.ofEpochMilli(at - 60_000).toString());
            record.put("lastFailedAt", Instant.ofEpochMilli(at).toString());
            record.put("replays", 0);
            if (stage == Stage.DOWNLOAD) {
                record.put("log", "downloading...\n".repeat(30) + "error: the tool gave up\n");
            }
            batch.getMap(KEYS.deadLetters(), StringCodec.INSTANCE).fastPutAsync(id, record.toString());
            batch.getMap(KEYS.deadLetterPayloads(), StringCodec.INSTANCE).fastPutAsync(id, payload);
            batch.getScoredSortedSet(KEYS.deadLetterIndex(), StringCodec.INSTANCE).addAsync(at, id);
            if ((n - first + 1) % 1000 == 0) {
                batch.execute();
                batch = redis.createBatch();
            }
        }
        batch.execute();
    }

    record Timed(int exitCode, double seconds, Path out) {
    }

    /** {@code java [jvmFlags] -jar enrollflow.jar args...} with the fleet's settings; stdout and stderr to {@code out}. */
    static Timed runJar(Fleet fleet, Path jar, List<String> jvmFlags, Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(fleet.root().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("ENROLLFLOW_"));
        builder.environment().putAll(fleet.environment());
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", args) + " did not finish in 30 minutes");
        }
        return new Timed(process.exitValue(), seconds(start), out);
    }

    private static double medianMs(Runnable call) {
        List<Double> ms = new ArrayList<>();
        for (int run = 0; run < 23; run++) {
            long start = System.nanoTime();
            call.run();
            if (run >= 3) {
                ms.add(seconds(start) * 1000);
            }
        }
        return median(ms);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static RedissonClient client(String url) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(url);
        return Redisson.create(config);
    }
}

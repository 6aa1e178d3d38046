package io.enrollflow.bench;

import io.enrollflow.demo.BundledRedis;
import org.redisson.Redisson;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline benchmark (issue 6), run by {@code bench/run.sh}: for each concurrency, enrollflow (the built jar, as
 * its own JVM with default flags) and the plain-Java {@link BaselineWorker} each process the same N tasks (a fast
 * enrollment stub refusing every 10th, a download command writing one 1 KiB file, delivery by rename into a folder);
 * then enrollflow's idle CPU on an empty queue and its pickup latency (LPUSH → the enrollment call arriving).
 * Prints one table. Nothing here is asserted: the figures are for the operator sizing a fleet.
 * <p>
 * Options: --tasks N (5000), --concurrency 1,10,50, --idle-seconds 60, --pickups 200, --jvm-flags "…" (for enrollflow).
 */
public final class PipelineBench {

    private static final String QUEUE = "enrollflow:tasks";
    private static final int WARM_UP = 50;

    private final Path jar;
    private final Path command;
    private final Path scratch;
    private final String classpath;
    private final List<String> jvmFlags;
    private final BundledRedis redisServer;
    private final RedissonClient redis;
    private final BenchEnrollmentStub stub;
    private int runNumber;

    record Result(String system, int concurrency, int tasks, double tasksPerSecond, long p50, long p99, double rssMiB,
                  double cpuSeconds) {
    }

    PipelineBench(Path jar, Path command, List<String> jvmFlags) throws IOException {
        this.jar = jar;
        this.command = command;
        this.jvmFlags = jvmFlags;
        this.scratch = Files.createTempDirectory("enrollflow-bench");
        // absolute entries: the baseline JVM runs in the scratch folder
        this.classpath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        this.redisServer = BundledRedis.start();
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(redisServer.url());
        this.redis = Redisson.create(config);
        this.stub = new BenchEnrollmentStub();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int tasks = Integer.parseInt(options.getOrDefault("tasks", "5000"));
        int[] levels = Arrays.stream(options.getOrDefault("concurrency", "1,10,50").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int idleSeconds = Integer.parseInt(options.getOrDefault("idle-seconds", "60"));
        int pickups = Integer.parseInt(options.getOrDefault("pickups", "200"));
        List<String> flags = options.getOrDefault("jvm-flags", "").isBlank() ? List.of()
                : List.of(options.get("jvm-flags").trim().split("\\s+"));
        PipelineBench bench = new PipelineBench(Path.of(options.getOrDefault("jar", "target/enrollflow.jar")),
                Path.of(options.getOrDefault("command", "bench/write1k.sh")).toAbsolutePath(), flags);
        try {
            bench.run(tasks, levels, idleSeconds, pickups);
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    void run(int tasks, int[] levels, int idleSeconds, int pickups) throws Exception {
        System.out.printf("enrollflow pipeline benchmark: %d tasks per run, %d cores, enrollflow JVM flags: %s%n",
                tasks, Runtime.getRuntime().availableProcessors(), jvmFlags.isEmpty() ? "(defaults)" : String.join(" ", jvmFlags));
        List<Result[]> rows = new ArrayList<>();
        for (int concurrency : levels) {
            Result flow = measure("enrollflow", concurrency, tasks);
            Result base = measure("baseline", concurrency, tasks);
            rows.add(new Result[] {flow, base});
        }
        double[] idle = idleAndPickup(idleSeconds, pickups);

        System.out.println();
        System.out.printf("%-11s %-10s %10s %9s %9s %10s %8s%n", "concurrency", "system", "tasks/s", "p50 ms", "p99 ms",
                "peak RSS", "CPU s");
        for (Result[] row : rows) {
            for (Result r : row) {
                System.out.printf("%-11d %-10s %10.1f %9d %9d %8.0fMiB %8.1f%n", r.concurrency(), r.system(),
                        r.tasksPerSecond(), r.p50(), r.p99(), r.rssMiB(), r.cpuSeconds());
            }
            System.out.printf("%-11s %-10s %10.2f %9s %9.2f%n", "", "ratio", row[0].tasksPerSecond() / row[1].tasksPerSecond(),
                    "", (double) row[0].p99() / Math.max(1, row[1].p99()));
        }
        System.out.printf("%nidle: %.2f%% of one core over %d s on an empty queue (concurrency 10)%n", idle[0], idleSeconds);
        System.out.printf("pickup (LPUSH -> enrollment call), %d single pushes: p50 %.1f ms, p99 %.1f ms%n", pickups, idle[1], idle[2]);
        System.out.println("ratio = enrollflow / baseline: throughput (higher is better) and p99 latency (lower is better)");
    }

    /** One system at one concurrency: warm-up, then N tasks from first push to last terminal status. */
    Result measure(String system, int concurrency, int tasks) throws Exception {
        redis.getKeys().flushall();
        Process process = start(system, concurrency);
        try {
            awaitReady(system);
            String prefix = system + "-c" + concurrency + "-";
            pushAndWait(prefix + "warm-", WARM_UP);
            long cpuBefore = cpuTicks(process.pid());
            Map<String, Long> pushed = pushAndWait(prefix, tasks);
            long cpuAfter = cpuTicks(process.pid());
            double rss = peakRssMiB(process.pid());
            List<Long> latencies = new ArrayList<>();
            long firstPush = Long.MAX_VALUE;
            long lastDone = 0;
            Map<String, Long> done = finishedAt(pushed.keySet());
            for (Map.Entry<String, Long> e : pushed.entrySet()) {
                long end = done.get(e.getKey());
                latencies.add(end - e.getValue());
                firstPush = Math.min(firstPush, e.getValue());
                lastDone = Math.max(lastDone, end);
            }
            latencies.sort(Long::compare);
            double seconds = Math.max(1, lastDone - firstPush) / 1000.0;
            Result result = new Result(system, concurrency, tasks, tasks / seconds, percentile(latencies, 50),
                    percentile(latencies, 99), rss, (cpuAfter - cpuBefore) / 100.0);
            System.out.printf("  %-10s concurrency %-3d %8.1f tasks/s  p50 %5d ms  p99 %5d ms  RSS %4.0f MiB  CPU %.1f s%n",
                    system, concurrency, result.tasksPerSecond(), result.p50(), result.p99(), rss, result.cpuSeconds());
            return result;
        } finally {
            stop(process);
        }
    }

    /** enrollflow idle for the given time, then its pickup latency over single pushes. */
    double[] idleAndPickup(int idleSeconds, int pickups) throws Exception {
        redis.getKeys().flushall();
        Process process = start("enrollflow", 10);
        try {
            awaitReady("enrollflow");
            pushAndWait("idle-warm-", 20);
            // let the JIT and the first GCs settle: the question is what an idle worker costs in the long run
            TimeUnit.SECONDS.sleep(10);
            long before = cpuTicks(process.pid());
            TimeUnit.SECONDS.sleep(idleSeconds);
            long after = cpuTicks(process.pid());
            double idlePercent = (after - before) / 100.0 / idleSeconds * 100;

            List<Long> waits = new ArrayList<>();
            for (int i = 0; i < pickups; i++) {
                stub.clearArrivals();
                String id = "pickup-" + i;
                long start = System.nanoTime();
                redis.getDeque(QUEUE, StringCodec.INSTANCE).addFirst(task(id));
                long arrival = stub.nextArrival(10_000);
                if (arrival > 0) {
                    waits.add(arrival - start);
                }
                awaitTerminal(List.of(id));
            }
            waits.sort(Long::compare);
            return new double[] {idlePercent, percentile(waits, 50) / 1e6, percentile(waits, 99) / 1e6};
        } finally {
            stop(process);
        }
    }

    private Process start(String system, int concurrency) throws IOException {
        runNumber++;
        Path work = Files.createDirectories(scratch.resolve("run" + runNumber + "/work"));
        Path delivered = Files.createDirectories(scratch.resolve("run" + runNumber + "/delivered"));
        Path log = scratch.resolve("run" + runNumber + "-" + system + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        ProcessBuilder builder;
        if (system.equals("enrollflow")) {
            // "{run}" in a flag becomes the run's number (e.g. one JFR recording per run)
            jvmFlags.forEach(flag -> cmd.add(flag.replace("{run}", Integer.toString(runNumber))));
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "run"));
            builder = new ProcessBuilder(cmd).directory(scratch.toFile());
            Map<String, String> env = builder.environment();
            env.put("ENROLLFLOW_REDIS_URL", redisServer.url());
            env.put("ENROLLFLOW_ENROLL_URL", stub.url());
            env.put("ENROLLFLOW_DOWNLOAD_COMMAND", "'" + command + "' ${taskDir}");
            env.put("ENROLLFLOW_DELIVERY_TARGET", "folder");
            env.put("ENROLLFLOW_DELIVERY_FOLDER", delivered.toString());
            env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", work.toString());
            env.put("ENROLLFLOW_WORKER_CONCURRENCY", Integer.toString(concurrency));
            env.put("ENROLLFLOW_MANAGEMENT_PORT", "0");
        } else {
            cmd.addAll(List.of("-cp", classpath, BaselineWorker.class.getName(), redisServer.url(), stub.url(),
                    command.toString(), work.toString(), delivered.toString(), Integer.toString(concurrency), QUEUE));
            builder = new ProcessBuilder(cmd).directory(scratch.toFile());
        }
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    private void awaitReady(String system) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            boolean ready = system.equals("enrollflow")
                    ? !redis.getSet("enrollflow:instances", StringCodec.INSTANCE).isEmpty()
                    : redis.getBucket("bench:baseline:ready", StringCodec.INSTANCE).isExists();
            if (ready) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(system + " did not become ready in 60 s; see its log in " + scratch);
    }

    /** Pushes the tasks (pipelined) and waits for every one to reach a terminal status; returns push times (ms). */
    private Map<String, Long> pushAndWait(String prefix, int count) throws InterruptedException {
        Map<String, Long> pushed = new HashMap<>();
        List<String> ids = new ArrayList<>();
        RBatch batch = redis.createBatch();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            ids.add(id);
            batch.getDeque(QUEUE, StringCodec.INSTANCE).addFirstAsync(task(id));
            if ((i + 1) % 500 == 0) {
                long now = System.currentTimeMillis();
                batch.execute();
                ids.subList(i + 1 - 500, i + 1).forEach(x -> pushed.put(x, now));
                batch = redis.createBatch();
            }
        }
        long now = System.currentTimeMillis();
        BatchResult<?> ignored = batch.execute();
        ids.forEach(x -> pushed.putIfAbsent(x, now));
        awaitTerminal(ids);
        return pushed;
    }

    private void awaitTerminal(List<String> ids) throws InterruptedException {
        List<String> pending = new ArrayList<>(ids);
        long deadline = System.currentTimeMillis() + 30 * 60_000;
        while (!pending.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(pending.size() + " tasks did not finish in 30 minutes; see logs in " + scratch);
            }
            RBatch batch = redis.createBatch();
            for (String id : pending) {
                batch.getMap("enrollflow:task:" + id, StringCodec.INSTANCE).getAsync("status");
            }
            List<?> statuses = batch.execute().getResponses();
            List<String> still = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Object status = statuses.get(i);
                if (!"completed".equals(status) && !"failed".equals(status)) {
                    still.add(pending.get(i));
                }
            }
            pending = still;
            if (!pending.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private Map<String, Long> finishedAt(java.util.Collection<String> ids) {
        List<String> list = new ArrayList<>(ids);
        RBatch batch = redis.createBatch();
        for (String id : list) {
            batch.getMap("enrollflow:task:" + id, StringCodec.INSTANCE).getAsync("updatedAt");
        }
        List<?> times = batch.execute().getResponses();
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            out.put(list.get(i), Instant.parse(String.valueOf(times.get(i))).toEpochMilli());
        }
        return out;
    }

    private static String task(String id) {
        return "{\"taskId\":\"" + id + "\",\"orderId\":\"1\",\"courseUrl\":\"https://courses.example.com/course/" + id
                + "/\",\"email\":\"buyer@example.com\"}";
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static double peakRssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return out;
    }

    void close() {
        stub.close();
        redis.shutdown();
        redisServer.close();
    }
}

package io.enrollflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The pipeline benchmark (docs/performance.md), run by {@code bench/run.sh}: for each concurrency, enrollflow (the built jar, as
 * its own JVM with default flags) and the plain-Java {@link BaselineWorker} each process the same N tasks (a fast
 * enrollment stub refusing every 10th, a download command writing one 1 KiB file, delivery by rename into a folder);
 * then enrollflow's idle CPU on an empty queue and its pickup latency (LPUSH → the enrollment call arriving).
 * Prints one table. Nothing here is asserted: the figures are for the operator sizing a fleet.
 * <p>
 * enrollflow is started the documented way: {@code bin/enrollflow run} (the launcher with the worker's JVM defaults,
 * flags in {@code JAVA_OPTS}) where that file exists, else {@code java -jar target/enrollflow.jar run}; the second
 * line says which. With {@code --peer bullmq} a BullMQ worker ({@code bench/bullmq/worker.mjs}, Node) does the same work at
 * each concurrency against the same Redis, stub and download command, measured the same way (its N jobs queued in
 * one {@code Queue.addBulk} once it is warm, as the others get theirs in one pipelined push), and a second table sets
 * enrollflow beside it.
 * <p>
 * Options: --tasks N (5000), --concurrency 1,10,50, --idle-seconds 60, --pickups 200, --jvm-flags "…" (for enrollflow),
 * --peer bullmq (off by default: it needs Node 20 and {@code npm ci} in bench/bullmq, which bench/run.sh does),
 * --launcher PATH (bin/enrollflow), --node PATH (node), --peer-dir PATH (bench/bullmq),
 * --threads true (each system's CPU per task by thread group: where the time goes), --limits true (enrollflow a second
 * time with the fleet-wide limits on but never reached: an enrollment rate of {@value #UNREACHED_RATE} and
 * {@value #UNREACHED_PERMITS} download permits; the line "limits cost" compares the two), --rounds N (1: the whole
 * sequence N times, the systems alternating in each round, then each system's median and the median of the rounds'
 * ratios; on a shared machine a single run's figures move by a fifth), --idle-settle S (10: from the idle run's 20
 * warm-up tasks to its window).
 */
public final class PipelineBench {

    private static final String QUEUE = "enrollflow:tasks";
    /** The BullMQ peer's queue: its keys are {@code bull:enroll:…}, the status hashes the same as the others'. */
    private static final String PEER_QUEUE = "enroll";
    static final String PEER = "bullmq";
    private static final int WARM_UP = 50;
    /** Limits set so high that no run reaches them: what is measured is their bookkeeping. */
    static final String UNREACHED_RATE = "1000000/1s";
    static final String UNREACHED_PERMITS = "100000";

    private final Path jar;
    private final Path command;
    private final Path scratch;
    private final String classpath;
    private final List<String> jvmFlags;
    private final BundledRedis redisServer;
    private final RedissonClient redis;
    private final BenchEnrollmentStub stub;
    private boolean showThreads;
    private boolean withLimits;
    private int rounds = 1;
    /** From the idle run's last warm-up task to the start of its window. */
    private int idleSettleSeconds = 10;
    /** The launcher script: enrollflow starts as {@code <launcher> run} when it exists, else by java -jar. */
    private Path launcher = Path.of("bin/enrollflow").toAbsolutePath();
    /** The BullMQ peer's folder (worker.mjs, add.mjs, node_modules) when --peer bullmq, else null. */
    private Path peerDir;
    private String node = "node";
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
        bench.showThreads = Boolean.parseBoolean(options.getOrDefault("threads", "false"));
        bench.withLimits = Boolean.parseBoolean(options.getOrDefault("limits", "false"));
        bench.rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        bench.idleSettleSeconds = Integer.parseInt(options.getOrDefault("idle-settle", "10"));
        if (bench.rounds < 1 || bench.idleSettleSeconds < 0) {
            bench.close();
            System.err.println("--rounds: at least 1, --idle-settle: 0 or more (seconds); not " + bench.rounds + " and "
                    + bench.idleSettleSeconds);
            System.exit(2);
        }
        if (options.containsKey("launcher")) {
            bench.launcher = Path.of(options.get("launcher")).toAbsolutePath();
        }
        bench.node = options.getOrDefault("node", "node");
        String peer = options.getOrDefault("peer", "none");
        if (peer.equals(PEER)) {
            bench.peerDir = Path.of(options.getOrDefault("peer-dir", "bench/bullmq")).toAbsolutePath();
            if (!Files.isDirectory(bench.peerDir.resolve("node_modules/bullmq"))) {
                bench.close();
                System.err.println("--peer bullmq: no " + bench.peerDir.resolve("node_modules/bullmq")
                        + "; run `npm ci` in bench/bullmq (bench/run.sh does)");
                System.exit(2);
            }
        } else if (!peer.equals("none")) {
            bench.close();
            System.err.println("--peer: only 'bullmq' or 'none', not '" + peer + "'");
            System.exit(2);
        }
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
        System.out.println("enrollflow started by: " + (launched()
                ? launcher + " run" + (jvmFlags.isEmpty() ? "" : " with JAVA_OPTS=\"" + String.join(" ", jvmFlags) + "\"")
                : "java " + (jvmFlags.isEmpty() ? "" : String.join(" ", jvmFlags) + " ") + "-jar " + jar + " run"
                        + " (no " + launcher + ")"));
        if (peerDir != null) {
            System.out.println("peer: BullMQ " + peerVersion() + " on Node " + nodeVersion() + " (" + peerDir.resolve("worker.mjs") + ")");
        }
        List<Result[]> rows = new ArrayList<>();
        List<Result[]> limited = new ArrayList<>();
        List<Result[]> peers = new ArrayList<>();
        // with --rounds N the whole sequence runs N times, the systems alternating within each round: on a shared
        // machine one run's figures move by a fifth, so a comparison is read from the rounds' medians
        for (int round = 1; round <= rounds; round++) {
            if (rounds > 1) {
                System.out.printf("round %d of %d%n", round, rounds);
            }
            for (int concurrency : levels) {
                Result flow = measure("enrollflow", concurrency, tasks);
                if (withLimits) {
                    limited.add(new Result[] {flow, measure("limited", concurrency, tasks)});
                }
                Result base = measure("baseline", concurrency, tasks);
                if (peerDir != null) {
                    Result peer = measure(PEER, concurrency, tasks);
                    peers.add(new Result[] {flow, peer});
                    rows.add(new Result[] {flow, base, peer});
                } else {
                    rows.add(new Result[] {flow, base});
                }
            }
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
            if (row.length > 2) {
                System.out.printf("%-11s %-10s %10.2f %9s %9.2f%n", "", "vs " + PEER,
                        row[0].tasksPerSecond() / row[2].tasksPerSecond(), "", (double) row[0].p99() / Math.max(1, row[2].p99()));
            }
        }
        for (Result[] pair : limited) {
            System.out.printf("limits cost at concurrency %d: %.1f tasks/s without, %.1f with limits never reached"
                            + " (%+.1f%% throughput), p99 %d -> %d ms, CPU %.1f -> %.1f s%n", pair[0].concurrency(),
                    pair[0].tasksPerSecond(), pair[1].tasksPerSecond(),
                    100 * (pair[1].tasksPerSecond() / pair[0].tasksPerSecond() - 1), pair[0].p99(), pair[1].p99(),
                    pair[0].cpuSeconds(), pair[1].cpuSeconds());
        }
        System.out.printf("%nidle: %.2f%% of one core over %d s on an empty queue (concurrency 10), from %d s after its"
                + " last task%n", idle[0], idleSeconds, idleSettleSeconds);
        System.out.printf("pickup (LPUSH -> enrollment call), %d single pushes: p50 %.1f ms, p99 %.1f ms%n", pickups, idle[1], idle[2]);
        System.out.println("ratio = enrollflow / baseline: throughput (higher is better) and p99 latency (lower is better)"
                + (peers.isEmpty() ? "" : "; vs " + PEER + " = enrollflow / " + PEER + ", the same"));
        if (!peers.isEmpty()) {
            printPeerTable(peers);
        }
        if (rounds > 1) {
            printMedians(rows, levels);
        }
    }

    /**
     * Per concurrency, over the rounds: the median of each system's throughput and p99, and the median of the rounds'
     * ratios (each round's systems ran one after the other, so a round's ratio is the fairest single comparison).
     */
    private void printMedians(List<Result[]> rows, int[] levels) {
        System.out.printf("%nmedians over %d rounds:%n", rounds);
        System.out.printf("%-11s %-10s %10s %9s %8s%n", "concurrency", "system", "tasks/s", "p99 ms", "CPU s");
        for (int concurrency : levels) {
            List<Result[]> level = rows.stream().filter(row -> row[0].concurrency() == concurrency).toList();
            for (int i = 0; i < level.get(0).length; i++) {
                int column = i;
                System.out.printf("%-11d %-10s %10.1f %9.0f %8.1f%n", concurrency, level.get(0)[column].system(),
                        median(level.stream().mapToDouble(row -> row[column].tasksPerSecond())),
                        median(level.stream().mapToDouble(row -> row[column].p99())),
                        median(level.stream().mapToDouble(row -> row[column].cpuSeconds())));
            }
            printMedianRatio("ratio", level, 1);
            if (level.get(0).length > 2) {
                printMedianRatio("vs " + PEER, level, 2);
            }
        }
    }

    /** enrollflow (column 0) against the system in column {@code against}: the medians and each round's ratio. */
    private static void printMedianRatio(String label, List<Result[]> level, int against) {
        String each = String.join(" ", level.stream()
                .map(row -> String.format("%.2f", row[0].tasksPerSecond() / row[against].tasksPerSecond())).toList());
        System.out.printf("%-11s %-10s %10.2f %9.2f   (median of the rounds' ratios; each round's: %s)%n", "", label,
                median(level.stream().mapToDouble(row -> row[0].tasksPerSecond() / row[against].tasksPerSecond())),
                median(level.stream().mapToDouble(row -> (double) row[0].p99() / Math.max(1, row[against].p99()))), each);
    }

    static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** enrollflow beside BullMQ, one markdown row per concurrency (the layout of README Performance's peer table). */
    private void printPeerTable(List<Result[]> peers) {
        System.out.printf("%nenrollflow against BullMQ %s (Node %s), same run, Redis, stub and download command, %d tasks each:%n",
                peerVersion(), nodeVersion(), peers.get(0)[0].tasks());
        System.out.println("| concurrency | BullMQ tasks/s | enrollflow tasks/s | ratio | p99 s (BullMQ / enrollflow) | p99 ratio"
                + " | RSS MiB (BullMQ / enrollflow) | CPU s (BullMQ / enrollflow) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        int perRound = peers.size() / rounds;
        for (int i = 0; i < peers.size(); i++) {
            Result flow = peers.get(i)[0];
            Result peer = peers.get(i)[1];
            String round = rounds > 1 ? " (round " + (i / perRound + 1) + ")" : "";
            System.out.printf("| %d%s | %.0f | %.0f | %.2f | %.1f / %.1f | %.2f | %.0f / %.0f | %.1f / %.1f |%n",
                    flow.concurrency(), round, peer.tasksPerSecond(), flow.tasksPerSecond(),
                    flow.tasksPerSecond() / peer.tasksPerSecond(), peer.p99() / 1000.0, flow.p99() / 1000.0,
                    (double) flow.p99() / Math.max(1, peer.p99()), peer.rssMiB(), flow.rssMiB(), peer.cpuSeconds(),
                    flow.cpuSeconds());
        }
        System.out.println("ratio = enrollflow / BullMQ throughput (goal: >= 1.0); p99 ratio = enrollflow / BullMQ"
                + " (goal: <= 1.0); RSS is each process's peak (VmHWM), CPU is user+system over the measured tasks");
    }

    /** One system at one concurrency: warm-up, then N tasks from first push to last terminal status. */
    Result measure(String system, int concurrency, int tasks) throws Exception {
        redis.getKeys().flushall();
        Process process = start(system, concurrency);
        try {
            awaitReady(system);
            long pid = measuredPid(process);
            String prefix = system + "-c" + concurrency + "-";
            pushAndWait(system, prefix + "warm-", WARM_UP);
            long cpuBefore = cpuTicks(pid);
            Map<String, Long> threadsBefore = threadTicks(pid);
            Map<String, Long> pushed = pushAndWait(system, prefix, tasks);
            long cpuAfter = cpuTicks(pid);
            if (showThreads) {
                printThreadCpu(system + " CPU by thread group (ms per task)", threadsBefore, threadTicks(pid), tasks);
                if (!system.equals(PEER)) {
                    printMemory(pid);
                }
            }
            double rss = peakRssMiB(pid);
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
            long pid = measuredPid(process);
            pushAndWait("enrollflow", "idle-warm-", 20);
            // let the JIT and the first GCs settle: the question is what an idle worker costs in the long run. 10 s
            // (the default) is not all of it: C1 is still compiling the idle path's methods for a minute or two, as
            // each reaches its threshold; --idle-settle 120 measures a worker left idle that long
            TimeUnit.SECONDS.sleep(idleSettleSeconds);
            long before = cpuTicks(pid);
            Map<String, Long> threadsBefore = threadTicks(pid);
            for (int waited = 0; waited < idleSeconds; waited += 10) {
                long windowStart = cpuTicks(pid);
                TimeUnit.SECONDS.sleep(Math.min(10, idleSeconds - waited));
                if (showThreads) {
                    System.out.printf("    idle %3d-%3d s: %.2f%% of one core%n", waited, Math.min(waited + 10, idleSeconds),
                            (cpuTicks(pid) - windowStart) / 100.0 / Math.min(10, idleSeconds - waited) * 100);
                }
            }
            long after = cpuTicks(pid);
            if (showThreads) {
                printThreadCpu("enrollflow idle CPU by thread group (ms per second)", threadsBefore,
                        threadTicks(pid), idleSeconds);
            }
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
        ProcessBuilder builder;
        if (system.equals(PEER)) {
            cmd.addAll(List.of(node, peerDir.resolve("worker.mjs").toString(), redisServer.url(), stub.url(),
                    command.toString(), work.toString(), delivered.toString(), Integer.toString(concurrency), PEER_QUEUE));
            builder = new ProcessBuilder(cmd).directory(scratch.toFile());
        } else if (!system.equals("baseline")) {
            // "{run}" in a flag becomes the run's number (e.g. one JFR recording per run)
            List<String> flags = jvmFlags.stream().map(flag -> flag.replace("{run}", Integer.toString(runNumber))).toList();
            if (launched()) {
                cmd.addAll(List.of(launcher.toString(), "run"));
            } else {
                cmd.add(ProcessHandle.current().info().command().orElse("java"));
                cmd.addAll(flags);
                cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "run"));
            }
            builder = new ProcessBuilder(cmd).directory(scratch.toFile());
            Map<String, String> env = builder.environment();
            if (launched() && !flags.isEmpty()) {
                env.put("JAVA_OPTS", String.join(" ", flags));
            }
            env.put("ENROLLFLOW_REDIS_URL", redisServer.url());
            env.put("ENROLLFLOW_ENROLL_URL", stub.url());
            env.put("ENROLLFLOW_DOWNLOAD_COMMAND", "'" + command + "' ${taskDir}");
            env.put("ENROLLFLOW_DELIVERY_TARGET", "folder");
            env.put("ENROLLFLOW_DELIVERY_FOLDER", delivered.toString());
            env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", work.toString());
            env.put("ENROLLFLOW_WORKER_CONCURRENCY", Integer.toString(concurrency));
            env.put("ENROLLFLOW_MANAGEMENT_PORT", "0");
            if (system.equals("limited")) {
                env.put("ENROLLFLOW_ENROLL_RATE_LIMIT", UNREACHED_RATE);
                env.put("ENROLLFLOW_DOWNLOAD_MAX_CONCURRENT", UNREACHED_PERMITS);
            }
        } else {
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
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
            boolean ready = system.equals("baseline") || system.equals(PEER)
                    ? redis.getBucket("bench:" + system + ":ready", StringCodec.INSTANCE).isExists()
                    : !redis.getSet("enrollflow:instances", StringCodec.INSTANCE).isEmpty();
            if (ready) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(system + " did not become ready in 60 s; see its log in " + scratch);
    }

    /** Whether enrollflow starts by its launcher script (the documented way) rather than by java -jar. */
    private boolean launched() {
        return Files.isRegularFile(launcher);
    }

    /**
     * The process whose CPU and memory are measured: the launched one, or the JVM a launcher script started as its
     * child (a launcher that ends with {@code exec java} is the JVM itself).
     */
    private static long measuredPid(Process process) {
        return process.toHandle().descendants()
                .filter(child -> child.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    /** Queues the tasks for the system and waits for every one to reach a terminal status; returns push times (ms). */
    private Map<String, Long> pushAndWait(String system, String prefix, int count) throws InterruptedException, IOException {
        Map<String, Long> pushed = system.equals(PEER) ? addToPeer(prefix, count) : push(prefix, count);
        awaitTerminal(new ArrayList<>(pushed.keySet()));
        return pushed;
    }

    /** The BullMQ jobs in one Queue.addBulk by bench/bullmq/add.mjs, which reports the time just before it (ms). */
    private Map<String, Long> addToPeer(String prefix, int count) throws IOException, InterruptedException {
        Process add = new ProcessBuilder(node, peerDir.resolve("add.mjs").toString(), redisServer.url(), PEER_QUEUE,
                prefix, Integer.toString(count)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(add.getInputStream().readAllBytes()).trim();
        if (add.waitFor() != 0 || !out.startsWith("added ")) {
            throw new IllegalStateException("bench/bullmq/add.mjs failed (exit " + add.exitValue() + "): " + out);
        }
        long at = Long.parseLong(out.substring(out.lastIndexOf(' ') + 1));
        Map<String, Long> pushed = new HashMap<>();
        for (int i = 0; i < count; i++) {
            pushed.put(prefix + i, at);
        }
        return pushed;
    }

    /** Pushes the tasks (pipelined, 500 a round trip); returns push times (ms). */
    private Map<String, Long> push(String prefix, int count) {
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

    /** CPU ticks per thread group (the kernel's thread name with its digits dropped), for --threads. */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return out;
    }

    private static void printThreadCpu(String title, Map<String, Long> before, Map<String, Long> after, int per) {
        System.out.printf("    %s:%n", title);
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("      %-18s %6.2f%n", e.getKey(), e.getValue() * 10.0 / per));
    }

    /** Where the memory is (heap, and with -XX:NativeMemoryTracking=summary the rest): jcmd's own summaries. */
    private static void printMemory(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (String what : List.of("GC.heap_info", "VM.native_memory summary")) {
            List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            cmd.addAll(List.of(what.split(" ")));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            out.lines().filter(line -> !line.isBlank() && !line.startsWith(pid + ":")
                            && (line.startsWith(" ") || line.startsWith("-") || line.startsWith("Total")) && !line.contains("(mmap")
                            && !line.contains("(malloc") && !line.contains("(arena") && !line.contains("(stack")
                            && !line.contains("(classes") && !line.contains("(instance") && !line.contains("(threads"))
                    .forEach(line -> System.out.println("      " + line.trim()));
        }
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
        // a launcher that did not exec leaves its JVM as a child: that one is stopped too
        List<ProcessHandle> children = process.toHandle().children().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException stuck) {
                // it ignored SIGTERM for a minute: the next run needs the machine to itself
                child.destroyForcibly();
            }
        }
    }

    /** The bullmq version that npm ci installed (from its package.json), for the table's title. */
    private String peerVersion() {
        try {
            return new ObjectMapper().readTree(peerDir.resolve("node_modules/bullmq/package.json").toFile())
                    .path("version").asText("?");
        } catch (IOException unreadable) {
            // only the table's title loses the version; the figures do not depend on it
            return "?";
        }
    }

    private String nodeVersion() {
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out.replaceFirst("^v", "");
        } catch (IOException noNode) {
            // only the table's title loses the version; the peer's own start would have failed first
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
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

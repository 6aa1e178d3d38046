package io.enrollflow.bench;

import io.enrollflow.demo.BundledRedis;
import org.redisson.Redisson;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The supervision benchmark (bench/supervise.sh, docs/performance.md): N long downloads at once, each printing a
 * progress line every interval ({@code bench/progress.sh}), supervised by enrollflow and by {@link PlainSupervisor}
 * (the same commands started with ProcessBuilder, their outputs only read). It prints each one's CPU over the same
 * window in the middle of the downloads (utime + stime of its JVM from /proc; the downloads are other processes), the
 * ratio, and whether enrollflow is within 1.5× the plain one or 1% of a core above it.
 * <p>
 * With {@code --heartbeat true} it then runs the same downloads with a tool that starts two short processes per line,
 * at {@code recovery-timeout=5s} and the niceness such a tool calls for ({@code --nice}, default 10, into
 * {@code enrollflow.download.nice}), and counts the instance's own presumed-dead verdicts and fenced runs in its log:
 * enrollflow's load must not cost it its heartbeat. Everything is printed; nothing is asserted.
 */
public final class SuperviseBench {

    private static final String QUEUE = "enrollflow:tasks";
    private static final Pattern FENCED = Pattern.compile("fenced_runs=(\\d+)");
    /** CLK_TCK on Linux: /proc/<pid>/stat counts CPU time in hundredths of a second. */
    private static final double TICKS_PER_SECOND = 100;

    private final int downloads;
    private final int seconds;
    private final double interval;
    private final int settle;
    private final int window;
    private final Path tool;
    private final Path launcher;
    private final Path scratch;
    private final BundledRedis redisServer;
    private final RedissonClient redis;
    private final BenchEnrollmentStub stub;
    private final boolean showThreads;
    /** Seconds of the warm-up batch's downloads (0: none). */
    private final int warmUp;
    /** The heartbeat run's enrollflow.download.nice. */
    private final int nice;
    private int runNumber;

    SuperviseBench(Map<String, String> options) throws IOException {
        downloads = Integer.parseInt(options.getOrDefault("downloads", "50"));
        seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
        interval = Double.parseDouble(options.getOrDefault("interval", "0.25"));
        settle = Integer.parseInt(options.getOrDefault("settle", "10"));
        window = Integer.parseInt(options.getOrDefault("window", Integer.toString(Math.max(5, seconds - settle - 15))));
        tool = Path.of(options.getOrDefault("command", "bench/progress.sh")).toAbsolutePath();
        launcher = Path.of(options.getOrDefault("launcher", "bin/enrollflow")).toAbsolutePath();
        scratch = Files.createTempDirectory("enrollflow-supervise");
        redisServer = BundledRedis.start();
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(redisServer.url());
        redis = Redisson.create(config);
        stub = new BenchEnrollmentStub(0);
        showThreads = Boolean.parseBoolean(options.getOrDefault("threads", "false"));
        warmUp = Integer.parseInt(options.getOrDefault("warm-up", "10"));
        nice = Integer.parseInt(options.getOrDefault("nice", "10"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        SuperviseBench bench = new SuperviseBench(options);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        try {
            System.out.printf("supervision benchmark: %d downloads of %d s, a line every %.0f ms; CPU over %d s from %d s"
                            + " after all started; %d cores; load average at start %s%n", bench.downloads, bench.seconds,
                    bench.interval * 1000, bench.window, bench.settle, Runtime.getRuntime().availableProcessors(),
                    loadAverage());
            for (int round = 1; round <= rounds; round++) {
                double[] cpu = bench.round();
                double plain = cpu[0];
                double flow = cpu[1];
                System.out.printf("round %d: plain supervisor %.2f%% of a core, enrollflow %.2f%% (%.2f× the plain one,"
                                + " %+.2f points); bound (≤1.5× or ≤ plain + 1 point): %s%n", round, plain, flow,
                        flow / plain, flow - plain, flow <= 1.5 * plain || flow <= plain + 1 ? "within" : "OUTSIDE");
            }
            if (Boolean.parseBoolean(options.getOrDefault("heartbeat", "false"))) {
                bench.heartbeat();
            }
            System.out.println("load average at the end: " + loadAverage());
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    /**
     * One round: enrollflow (warmed up by a first batch of short downloads, so the window sees supervision, not its
     * compiler working through the download path) and the plain supervisor start their downloads at the same moment,
     * and each one's CPU (% of one core) is read over the same window: whatever else the machine does meanwhile
     * weighs on both alike. Returns {plain, enrollflow}.
     */
    double[] round() throws Exception {
        Process flow = start(Map.of(), "quiet");
        Process plain = null;
        try {
            if (warmUp > 0) {
                awaitAll(push("w" + runNumber + "-", warmUp), "completed", warmUp * 4L + 30);
            }
            plain = startPlain();
            List<String> ids = push("s" + runNumber + "-", seconds);
            long allRunning = awaitAll(ids, "downloading", seconds);
            double[] cpu = cpuOverWindow(allRunning, plain.pid(), measuredPid(flow));
            plain.waitFor();
            awaitAll(ids, "completed", seconds * 3L);
            return cpu;
        } finally {
            if (plain != null) {
                plain.destroy();
            }
            stop(flow);
        }
    }

    /** Starts the plain supervisor and returns once its downloads run. */
    private Process startPlain() throws IOException {
        Path work = Files.createDirectories(scratch.resolve("plain" + runNumber));
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xss512k", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                PlainSupervisor.class.getName(), Integer.toString(downloads), work.toString()));
        cmd.addAll(List.of(tool.toString(), "{dir}", Integer.toString(seconds), Double.toString(interval), "quiet"));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        if (!"started".equals(out.readLine())) {
            throw new IllegalStateException("the plain supervisor did not start its downloads");
        }
        return process;
    }

    /** The same downloads with a tool that starts processes, at recovery-timeout=5s: what its log says of fencing. */
    void heartbeat() throws Exception {
        Process process = start(Map.of("ENROLLFLOW_QUEUE_RECOVERY_TIMEOUT", "5s",
                "ENROLLFLOW_DOWNLOAD_NICE", Integer.toString(nice)), "forking");
        Path log = scratch.resolve("run" + runNumber + ".log");
        List<String> ids = push("h" + runNumber + "-", seconds);
        long started = System.nanoTime();
        try {
            awaitAll(ids, "completed", seconds * 4L);
        } catch (IllegalStateException late) {
            System.out.println("heartbeat run: " + late.getMessage());
        }
        double minutes = (System.nanoTime() - started) / 6e10;
        String load = loadAverage();
        stop(process);
        List<String> lines = Files.readAllLines(log);
        long presumedDead = lines.stream().filter(line -> line.contains("outcome=presumed-dead")).count();
        int fenced = lines.stream().map(FENCED::matcher).filter(Matcher::find).mapToInt(m -> Integer.parseInt(m.group(1)))
                .sum();
        long heartbeatFailures = lines.stream().filter(line -> line.contains("outcome=heartbeat-failed")).count();
        long late = lines.stream().filter(line -> line.contains("outcome=heartbeat-late")).count();
        System.out.printf("heartbeat run (recovery-timeout=5s, download.nice=%d, a tool starting 2 processes per line):"
                        + " %d of %d completed in %.1f min; presumed-dead %d, fenced runs %d, failed heartbeats %d,"
                        + " late heartbeats %d; load average %s; log %s%n",
                nice, count(ids, "completed"), downloads, minutes, presumedDead, fenced, heartbeatFailures, late, load, log);
    }

    private Process start(Map<String, String> extra, String mode) throws IOException, InterruptedException {
        Path run = Files.createDirectories(scratch.resolve("run" + ++runNumber));
        // a session of its own, as a service manager starts it: under autogroup scheduling the session is what shares
        // the processor, and this one's must not be the bench's and its Redis's
        ProcessBuilder builder = new ProcessBuilder("setsid", launcher.toString(), "run").directory(run.toFile())
                .redirectErrorStream(true).redirectOutput(scratch.resolve("run" + runNumber + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("ENROLLFLOW_REDIS_URL", redisServer.url());
        env.put("ENROLLFLOW_ENROLL_URL", stub.url());
        // the task's quality field says how long its download runs (the warm-up's are shorter)
        env.put("ENROLLFLOW_DOWNLOAD_COMMAND", String.join(" ", List.of(tool.toString(), "${taskDir}", "${quality}",
                Double.toString(interval), mode)));
        env.put("ENROLLFLOW_DELIVERY_TARGET", "folder");
        env.put("ENROLLFLOW_DELIVERY_FOLDER", run.resolve("delivered").toString());
        env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", run.resolve("work").toString());
        env.put("ENROLLFLOW_WORKER_CONCURRENCY", Integer.toString(downloads));
        env.put("ENROLLFLOW_MANAGEMENT_PORT", "0");
        env.putAll(extra);
        redis.getKeys().flushall();
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (redis.getSet("enrollflow:instances", StringCodec.INSTANCE).isEmpty()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("enrollflow did not start; see " + scratch);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return process;
    }

    /** Pushes one task per download; each download runs {@code downloadSeconds} (the task's quality carries it). */
    private List<String> push(String prefix, int downloadSeconds) {
        List<String> ids = new ArrayList<>();
        RBatch batch = redis.createBatch();
        for (int i = 0; i < downloads; i++) {
            String id = prefix + i;
            ids.add(id);
            batch.getDeque(QUEUE, StringCodec.INSTANCE).addFirstAsync("{\"taskId\":\"" + id + "\",\"courseUrl\":"
                    + "\"https://courses.example.com/course/" + id + "/\",\"email\":\"buyer@example.com\","
                    + "\"quality\":" + downloadSeconds + "}");
        }
        batch.execute();
        return ids;
    }

    /** Waits until every task has the status (or, for downloading, went past it); returns System.nanoTime() then. */
    private long awaitAll(List<String> ids, String status, long atMostSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(atMostSeconds);
        List<String> past = status.equals("downloading") ? List.of("downloading", "uploading", "completed")
                : List.of(status);
        while (true) {
            List<String> statuses = statuses(ids);
            if (statuses.stream().allMatch(past::contains)) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(statuses.stream().filter(s -> !past.contains(s)).count() + " of "
                        + ids.size() + " tasks not " + status + " after " + atMostSeconds + " s; see " + scratch);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private long count(List<String> ids, String status) {
        return statuses(ids).stream().filter(status::equals).count();
    }

    private List<String> statuses(List<String> ids) {
        RBatch batch = redis.createBatch();
        for (String id : ids) {
            batch.getMap("enrollflow:task:" + id, StringCodec.INSTANCE).getAsync("status");
        }
        return batch.execute().getResponses().stream().map(String::valueOf).toList();
    }

    /**
     * CPU (% of one core) of each process over {@link #window} seconds starting {@link #settle} s after {@code from};
     * with --threads, also per thread group.
     */
    private double[] cpuOverWindow(long from, long... pids) throws IOException, InterruptedException {
        long start = from + TimeUnit.SECONDS.toNanos(settle);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, start - System.nanoTime()));
        List<Map<String, Long>> threadsBefore = new ArrayList<>();
        for (long pid : pids) {
            threadsBefore.add(showThreads ? threadTicks(pid) : Map.of());
        }
        long[] before = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            before[i] = cpuTicks(pids[i]);
        }
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(window);
        double[] percent = new double[pids.length];
        double elapsed = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < pids.length; i++) {
            percent[i] = (cpuTicks(pids[i]) - before[i]) / TICKS_PER_SECOND / elapsed * 100;
        }
        for (int i = 0; showThreads && i < pids.length; i++) {
            // per thread group (the kernel's thread name, digits dropped), % of a core over the window
            Map<String, Long> before0 = threadsBefore.get(i);
            System.out.printf("  process %d:%n", pids[i]);
            threadTicks(pids[i]).entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before0.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf("    %-20s %6.2f%%%n", e.getKey(),
                            e.getValue() / TICKS_PER_SECOND / elapsed * 100));
        }
        return percent;
    }

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

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The launcher execs its JVM (the same pid); a launcher that does not leaves it as a child. */
    private static long measuredPid(Process process) {
        return process.toHandle().descendants()
                .filter(child -> child.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "?";
        }
    }

    void close() {
        redis.shutdown();
        redisServer.close();
        stub.close();
    }
}

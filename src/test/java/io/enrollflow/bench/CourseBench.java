package io.enrollflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enrollflow.delivery.drive.DriveStandIn;
import io.enrollflow.demo.BundledRedis;
import org.redisson.Redisson;
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
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * The course-shaped benchmark (docs/performance.md), run by {@code bench/course.sh}: courses that take their time to
 * download and meet Drive's own limits, delivered by enrollflow and by the sequential peer in the same run.
 * <ul>
 *   <li><b>the course</b>: {@code bench/course-download.sh}, lectures of several MiB written under {@code .part} and
 *       renamed, subtitles beside them, a progress line every 250 ms, a helper process that lives as long as the
 *       download;</li>
 *   <li><b>Drive</b>: the {@link DriveStandIn} in this JVM with an account bandwidth and a per-user create rate; it only
 *       counts the bytes (the disk is no part of the upload);</li>
 *   <li><b>enrollflow</b>: the built jar (by {@code bin/enrollflow run}, as PipelineBench starts it), the tasks pushed
 *       at once, its work folder on local disk under {@code target/}; its CPU (user + system of its JVM, from the
 *       first push to the last completion) and peak RSS (VmHWM);</li>
 *   <li><b>the peer</b>: {@link SequentialPeer}, download everything, then upload everything, the same tasks at once.</li>
 * </ul>
 * Options: --tasks 2, --lectures 24, --mib 10 (per lecture), --seconds 24 (the download's length), --bandwidth-mib 16
 * (the account's upload bandwidth), --creates 5/10 (creates per second / burst), --launcher bin/enrollflow, --jar
 * target/enrollflow.jar. Nothing is asserted: the figures are for docs/performance.md.
 */
public final class CourseBench {

    private static final double MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> options;
    private final Path scratch;
    private final BundledRedis redisServer = BundledRedis.start();
    private final RedissonClient redis;
    private final BenchEnrollmentStub stub = new BenchEnrollmentStub();
    private final DriveStandIn drive = DriveStandIn.start();
    private final Path key;
    private final String parentId;
    private final int tasks;
    /** The bytes the stand-in had received, by wall-clock millisecond, while enrollflow ran. */
    private final ConcurrentSkipListMap<Long, Long> received = new ConcurrentSkipListMap<>();
    /** When the last of enrollflow's downloads ended (its status became uploading), wall-clock milliseconds. */
    private long downloadsEnded;

    private CourseBench(Map<String, String> options) throws IOException {
        this.options = options;
        this.tasks = Integer.parseInt(option("tasks", "2"));
        this.scratch = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "course-bench");
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(redisServer.url());
        this.redis = Redisson.create(config);
        drive.pageSize(100);
        drive.discardUploads();
        drive.bandwidth((long) (Double.parseDouble(option("bandwidth-mib", "16")) * MIB));
        String[] creates = option("creates", "5/10").split("/");
        drive.createRate(Double.parseDouble(creates[0]), Integer.parseInt(creates[1]));
        this.key = drive.writeKeyFile(scratch.resolve("key.json"));
        this.parentId = drive.createFolder(null, "Deliveries");
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        CourseBench bench = new CourseBench(options);
        try {
            bench.run();
        } finally {
            bench.redis.shutdown();
            bench.redisServer.close();
            bench.stub.close();
            bench.drive.close();
        }
        System.exit(0);
    }

    /** One task's times, in seconds: from its push to its end, its download, and what came after the download. */
    record Times(String task, double endToEnd, double download, double afterDownload) {
    }

    private void run() throws Exception {
        int lectures = Integer.parseInt(option("lectures", "24"));
        double mib = Double.parseDouble(option("mib", "10"));
        double seconds = Double.parseDouble(option("seconds", "24"));
        double bandwidth = Double.parseDouble(option("bandwidth-mib", "16"));
        double courseMib = lectures * mib;
        double uploadFloor = tasks * courseMib / bandwidth;
        System.out.printf("course-shaped benchmark: %d tasks at once, each %d lectures x %.0f MiB over %.0f s (+ subtitles); "
                        + "Drive %.0f MiB/s for the account, %s creates/s/burst; %d cores%n", tasks, lectures, mib, seconds,
                bandwidth, option("creates", "5/10"), Runtime.getRuntime().availableProcessors());

        List<Times> flow = new ArrayList<>();
        double[] usage = enrollflow(lectures, mib, seconds, flow);
        List<Times> peer = peer(lectures, mib, seconds);

        double download = peer.stream().mapToDouble(Times::download).max().orElse(0);
        double upload = peer.stream().mapToDouble(Times::afterDownload).max().orElse(0);
        double floor = Math.max(download, uploadFloor);
        System.out.printf("%nfloor: download %.1f s (the command alone, the peer's), upload %.1f s (%d x %.0f MiB at %.0f MiB/s; "
                + "the peer's upload took %.1f s) -> max %.1f s%n", download, uploadFloor, tasks, courseMib, bandwidth, upload, floor);
        System.out.printf("%-11s %-10s %10s %10s %16s %8s%n", "system", "task", "end-to-end", "download", "after download", "ratio");
        for (List<Times> side : List.of(flow, peer)) {
            for (Times t : side) {
                System.out.printf("%-11s %-10s %9.1fs %9.1fs %15.1fs %7.2fx%n", side == flow ? "enrollflow" : "peer", t.task(),
                        t.endToEnd(), t.download(), t.afterDownload(), t.endToEnd() / floor);
            }
        }
        double flowWorst = flow.stream().mapToDouble(Times::endToEnd).max().orElse(0);
        double peerWorst = peer.stream().mapToDouble(Times::endToEnd).max().orElse(0);
        System.out.printf("%nenrollflow: %.2fx max(download, upload) (goal <= 1.15); peer: %.2fx, %.2fx of download + upload%n",
                flowWorst / floor, peerWorst / floor, peerWorst / (download + uploadFloor));
        Map.Entry<Long, Long> first = received.firstEntry();
        Map.Entry<Long, Long> atEnd = received.floorEntry(downloadsEnded);
        if (first != null && atEnd != null) {
            System.out.printf("enrollflow: %.0f MiB uploaded while the downloads ran (%.1f MiB/s over %.1f s), %.0f MiB after%n",
                    (atEnd.getValue() - first.getValue()) / MIB, (atEnd.getValue() - first.getValue()) / MIB
                            / Math.max(0.001, (atEnd.getKey() - first.getKey()) / 1000.0), (atEnd.getKey() - first.getKey()) / 1000.0,
                    (received.lastEntry().getValue() - atEnd.getValue()) / MIB);
        }
        System.out.printf("enrollflow: CPU %.1f s per GiB delivered (%.2f GiB, %.1f s CPU), peak RSS %.0f MiB (VmHWM), "
                + "%d creates refused by Drive's rate in the whole run%n", usage[0] / (usage[1] / 1024), usage[1] / 1024,
                usage[0], usage[2], drive.createsRefused());
    }

    /** Runs the tasks through enrollflow; fills {@code times}; returns {CPU seconds, MiB delivered, peak RSS MiB}. */
    private double[] enrollflow(int lectures, double mib, double seconds, List<Times> times) throws Exception {
        redis.getKeys().flushall();
        Path work = Files.createDirectories(scratch.resolve("enrollflow-work"));
        Path launcher = Path.of(option("launcher", "bin/enrollflow")).toAbsolutePath();
        List<String> cmd = Files.isRegularFile(launcher) ? List.of(launcher.toString(), "run")
                : List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Path.of(option("jar", "target/enrollflow.jar")).toAbsolutePath().toString(), "run");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(scratch.toFile()).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("enrollflow.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("ENROLLFLOW_REDIS_URL", redisServer.url());
        env.put("ENROLLFLOW_ENROLL_URL", stub.url());
        env.put("ENROLLFLOW_DOWNLOAD_COMMAND", "'" + Path.of("bench/course-download.sh").toAbsolutePath()
                + "' ${taskDir} ${courseUrl}");
        env.put("ENROLLFLOW_DOWNLOAD_WORK_DIR", work.toString());
        env.put("ENROLLFLOW_WORKER_CONCURRENCY", Integer.toString(tasks));
        env.put("ENROLLFLOW_MANAGEMENT_PORT", "0");
        env.put("ENROLLFLOW_DELIVERY_TARGET", "drive");
        env.put("ENROLLFLOW_DRIVE_SERVICE_ACCOUNT_KEY", key.toString());
        env.put("ENROLLFLOW_DRIVE_PARENT_FOLDER_ID", parentId);
        env.put("ENROLLFLOW_DRIVE_ROOT_URL", drive.rootUrl());
        Process process = builder.start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (redis.getSet("enrollflow:instances", StringCodec.INSTANCE).isEmpty()) {
                if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("enrollflow did not start; see " + scratch.resolve("enrollflow.log"));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            long pid = process.toHandle().descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
            // a worker runs for days: its first Drive request (a token, the client's classes) and its first task are
            // no part of a course's figures, so a small course goes first, unmeasured
            push("warm-up", courseUrl("warm-up", 2, 1, 2));
            awaitCompleted("warm-up", System.currentTimeMillis());
            long cpuBefore = cpuTicks(pid);
            long pushed = System.currentTimeMillis();
            // what the stand-in has received, four times a second: how much went up while the downloads ran
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    received.put(System.currentTimeMillis(), drive.bytesReceived());
                    try {
                        TimeUnit.MILLISECONDS.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            for (int i = 1; i <= tasks; i++) {
                push("course-" + i, courseUrl(Integer.toString(i), lectures, mib, seconds));
            }
            for (int i = 1; i <= tasks; i++) {
                times.add(awaitCompleted("course-" + i, pushed));
            }
            sampler.interrupt();
            double cpu = (cpuTicks(pid) - cpuBefore) / 100.0;
            double rss = peakRssMiB(pid);
            double delivered = drive.everything().stream().filter(item -> !item.isFolder()).mapToLong(DriveStandIn.Item::size)
                    .sum() / MIB - 2; // the warm-up's 2 MiB aside
            return new double[] {cpu, delivered, rss};
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The course's URL: bench/course-download.sh reads the course's shape from it. */
    private static String courseUrl(String id, int lectures, double mib, double seconds) {
        return "https://courses.example.com/course/" + id + "/?lectures=" + lectures + "&mib=" + (long) mib + "&seconds="
                + (long) seconds;
    }

    private void push(String taskId, String courseUrl) {
        redis.getDeque("enrollflow:tasks", StringCodec.INSTANCE).addFirst("{\"taskId\":\"" + taskId
                + "\",\"orderId\":\"1\",\"courseUrl\":\"" + courseUrl + "\",\"email\":\"buyer@example.com\"}");
    }

    private Times awaitCompleted(String taskId, long pushed) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        while (true) {
            String status = (String) redis.getMap("enrollflow:task:" + taskId, StringCodec.INSTANCE).get("status");
            if ("completed".equals(status)) {
                break;
            }
            if ("failed".equals(status) || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(taskId + " ended " + status + "; see " + scratch.resolve("enrollflow.log"));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        Map<String, Long> at = new HashMap<>();
        for (Object entry : redis.getList("enrollflow:task:" + taskId + ":history", StringCodec.INSTANCE).readAll()) {
            JsonNode json = JSON.readTree(entry.toString());
            at.putIfAbsent(json.path("status").asText(), Instant.parse(json.path("at").asText()).toEpochMilli());
        }
        downloadsEnded = Math.max(downloadsEnded, at.get("uploading"));
        return new Times(taskId, (at.get("completed") - pushed) / 1000.0,
                (at.get("uploading") - at.get("downloading")) / 1000.0, (at.get("completed") - at.get("uploading")) / 1000.0);
    }

    /** Runs the same tasks through the sequential peer, in its own JVM. */
    private List<Times> peer(int lectures, double mib, double seconds) throws Exception {
        Path work = Files.createDirectories(scratch.resolve("peer-work"));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SequentialPeer.class.getName(), drive.rootUrl(), key.toString(),
                parentId, work.toString(), Path.of("bench/course-download.sh").toAbsolutePath().toString(),
                courseUrl("peer", lectures, mib, seconds)));
        for (int i = 1; i <= tasks; i++) {
            cmd.add("peer-" + i);
        }
        Process process = new ProcessBuilder(cmd).redirectError(scratch.resolve("peer.log").toFile()).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the peer failed: " + out + "; see " + scratch.resolve("peer.log"));
        }
        List<Times> times = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("peer ")).toList()) {
            Map<String, String> fields = new HashMap<>();
            Arrays.stream(line.split(" ")).filter(w -> w.contains("=")).forEach(w -> fields.put(w.substring(0, w.indexOf('=')),
                    w.substring(w.indexOf('=') + 1)));
            double download = Long.parseLong(fields.get("download_ms")) / 1000.0;
            double upload = Long.parseLong(fields.get("upload_ms")) / 1000.0;
            times.add(new Times(fields.get("task"), download + upload, download, upload));
        }
        return times;
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
}

package io.enrollflow.bench;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.enrollflow.config.Settings;
import io.enrollflow.delivery.drive.DriveDelivery;
import io.enrollflow.delivery.drive.MemoryState;
import io.enrollflow.delivery.drive.DriveStandIn;
import io.enrollflow.task.Task;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Upload throughput and memory of {@link DriveDelivery}, run by {@code bench/drive-upload.sh}:
 * <ul>
 *   <li>{@code serve <dir>}: starts a {@link DriveStandIn} (in its own JVM, so its memory does not count), writes its
 *       key file and root URL into {@code dir}, and runs until killed;</li>
 *   <li>{@code upload <dir> <MiB> [rounds]}: in the measured JVM, makes a file of that size; then, in each round
 *       (default 5), delivers it through DriveDelivery (camel-google-drive, resumable, the chunk size of
 *       application.properties or {@code ENROLLFLOW_DRIVE_CHUNK_SIZE_KIB}) and sends the same bytes with one plain HTTP
 *       PUT to the same stand-in, the two taking turns going first. Prints each round's rates and ratio, the median
 *       ratio with the lowest and highest (how steady the machine was), peak heap and peak RSS.</li>
 * </ul>
 */
public final class DriveUploadBench {

    private static final int MIB = 1024 * 1024;

    private DriveUploadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "serve" -> serve(dir);
            case "upload" -> upload(dir, Long.parseLong(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 5);
            default -> throw new IllegalArgumentException("use: serve <dir> | upload <dir> <MiB> [rounds]");
        }
    }

    private static void serve(Path dir) throws Exception {
        DriveStandIn drive = DriveStandIn.start();
        // the script ends this JVM with SIGTERM: remove the uploaded gigabytes from the temp directory then
        Runtime.getRuntime().addShutdownHook(new Thread(drive::close, "stand-in-cleanup"));
        drive.pageSize(100);
        // BENCH_DISCARD_BYTES=true: the bytes are counted, not written to disk, so the disk is no part of either figure
        // and what the client costs shows (the default has the stand-in write them, as in tests)
        if (Boolean.parseBoolean(System.getenv("BENCH_DISCARD_BYTES"))) {
            drive.discardUploads();
        }
        drive.writeKeyFile(dir.resolve("key.json"));
        Files.writeString(dir.resolve("parent-id"), drive.createFolder(null, "Bench"));
        Files.writeString(dir.resolve("root-url.tmp"), drive.rootUrl());
        Files.move(dir.resolve("root-url.tmp"), dir.resolve("root-url")); // appears complete, the script waits for it
        Thread.currentThread().join();
    }

    private static void upload(Path dir, long mib, int rounds) throws Exception {
        Path taskDir = dir.resolve("task");
        Path file = taskDir.resolve("course.bin");
        writeRandom(file, mib * MIB);
        String rootUrl = Files.readString(dir.resolve("root-url")).trim();

        Map<String, String> values = new HashMap<>();
        values.put("enrollflow.drive.service-account-key", dir.resolve("key.json").toString());
        values.put("enrollflow.drive.parent-folder-id", Files.readString(dir.resolve("parent-id")).trim());
        values.put("enrollflow.drive.root-url", rootUrl);
        // ENROLLFLOW_DRIVE_* variables apply, as for enrollflow itself (to try another chunk size)
        Settings settings = Settings.load(null, System.getenv()).with(values);
        double size = (double) Files.size(file) / MIB;
        System.out.printf("file                 %.0f MiB, chunk size %s KiB (enrollflow.drive.chunk-size-kib), %d rounds%n",
                size, settings.text("enrollflow.drive.chunk-size-kib"), rounds);
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            DriveDelivery delivery = DriveDelivery.create(settings, camel);
            // warm-up, not counted: both paths compiled by the JIT before either is timed
            Path warmDir = dir.resolve("warm-up");
            writeRandom(warmDir.resolve("warm-up.bin"), Math.min(mib, 64) * MIB);
            delivery.deliver(task("warm-up"), warmDir, new MemoryState());
            plainPut(rootUrl, warmDir.resolve("warm-up.bin"));
            // what a delivery costs besides its bytes: find the parent, make the folder, list it, start the upload, share
            Path tinyDir = dir.resolve("tiny");
            writeRandom(tinyDir.resolve("tiny.bin"), 1);
            Phase tiny = Phase.of(() -> delivery.deliver(task("tiny"), tinyDir, new MemoryState()));
            System.out.printf("fixed cost           %.0f ms per delivery (a 1-byte file: folder, listing, upload, share)%n",
                    tiny.seconds() * 1000);
            for (int round = 1; round <= rounds; round++) {
                // each round a new task (so a new Drive folder: nothing is skipped as already there), and the two
                // sides take turns going first, so neither always meets the machine's other load at the same moment
                Task task = task("bench-" + round);
                Phase enrollflow;
                Phase plain;
                if (round % 2 == 1) {
                    enrollflow = Phase.of(() -> delivery.deliver(task, taskDir, new MemoryState()));
                    plain = Phase.of(() -> plainPut(rootUrl, file));
                } else {
                    plain = Phase.of(() -> plainPut(rootUrl, file));
                    enrollflow = Phase.of(() -> delivery.deliver(task, taskDir, new MemoryState()));
                }
                double ratio = plain.seconds() / enrollflow.seconds();
                ratios.add(ratio);
                cpuRatios.add(enrollflow.cpuSeconds() / plain.cpuSeconds());
                System.out.printf("round %d              enrollflow %.1f MiB/s (%.1f s, CPU %.1f s), plain HTTP PUT %.1f MiB/s "
                        + "(%.1f s, CPU %.1f s), ratio %.2f%n", round, size / enrollflow.seconds(), enrollflow.seconds(),
                        enrollflow.cpuSeconds(), size / plain.seconds(), plain.seconds(), plain.cpuSeconds(), ratio);
            }
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        double median = median(ratios);
        System.out.printf("ratio                %.2f median of %d rounds (enrollflow / plain; lowest %.2f, highest %.2f)%n",
                median, rounds, sorted.get(0), sorted.get(sorted.size() - 1));
        System.out.printf("CPU                  %.2f median of %d rounds (this JVM's CPU time, enrollflow / plain; the "
                + "stand-in's not counted)%n", median(cpuRatios), rounds);
        System.out.printf("max heap             %d MiB (-Xmx)%n", Runtime.getRuntime().maxMemory() / MIB);
        System.out.printf("peak heap            %.1f MiB (sum of heap pools' peak usage)%n", peakHeap() / (double) MIB);
        System.out.printf("peak RSS             %s (VmHWM)%n", vmHwm());
    }

    private static Task task(String id) {
        return new Task(id, "", "https://courses.example.com/bench/", "buyer@example.com", 720, "{}", Map.of());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One timed side of a round: wall time, and the CPU time of this whole JVM meanwhile (GC and JIT included). */
    private record Phase(long nanos, long cpuNanos) {

        interface Work {
            void run() throws Exception;
        }

        static Phase of(Work work) throws Exception {
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            work.run();
            return new Phase(System.nanoTime() - start, os.getProcessCpuTime() - cpu);
        }

        double seconds() {
            return nanos / 1e9;
        }

        double cpuSeconds() {
            return cpuNanos / 1e9;
        }
    }

    /** One PUT of the whole file into a resumable session of the same stand-in: the wire's own speed. */
    private static long plainPut(String rootUrl, Path file) throws Exception {
        String token = token(file.getParent().getParent());
        long size = Files.size(file);
        long start = System.nanoTime();
        HttpURLConnection init = open(rootUrl + "upload/drive/v3/files?uploadType=resumable&supportsAllDrives=true", token);
        init.setRequestMethod("POST");
        init.setDoOutput(true);
        init.setRequestProperty("Content-Type", "application/json; charset=UTF-8");
        String parent = Files.readString(file.getParent().getParent().resolve("parent-id")).trim();
        byte[] meta = ("{\"name\":\"plain.bin\",\"parents\":[\"" + parent + "\"]}").getBytes(StandardCharsets.UTF_8);
        init.setFixedLengthStreamingMode(meta.length);
        try (OutputStream out = init.getOutputStream()) {
            out.write(meta);
        }
        check(init, 200);
        String location = init.getHeaderField("Location");
        HttpURLConnection put = open(location, token);
        put.setRequestMethod("PUT");
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(size);
        put.setRequestProperty("Content-Range", "bytes 0-" + (size - 1) + "/" + size);
        try (OutputStream out = put.getOutputStream(); InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
        check(put, 200);
        return System.nanoTime() - start;
    }

    /** A token from the stand-in, the way the bench's plain client would get one: it accepts the same key. */
    private static String token(Path dir) throws Exception {
        GoogleCredentials credentials;
        try (InputStream in = Files.newInputStream(dir.resolve("key.json"))) {
            credentials = ServiceAccountCredentials.fromStream(in).createScoped(List.of("https://www.googleapis.com/auth/drive"));
        }
        credentials.refresh();
        return credentials.getAccessToken().getTokenValue();
    }

    private static HttpURLConnection open(String url, String token) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + token);
        return c;
    }

    private static void check(HttpURLConnection c, int expected) throws Exception {
        int status = c.getResponseCode();
        if (status != expected) {
            throw new IllegalStateException(c.getRequestMethod() + " " + c.getURL() + " answered " + status);
        }
        try (InputStream in = c.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void writeRandom(Path file, long size) throws Exception {
        Files.createDirectories(file.getParent());
        SplittableRandom random = new SplittableRandom(42);
        byte[] buffer = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                for (int i = 0; i < buffer.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buffer[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String vmHwm() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return line.substring("VmHWM:".length()).trim();
            }
        }
        return "unknown (no /proc/self/status)";
    }
}

package io.enrollflow.bench;

import io.enrollflow.config.RedisSettings;
import io.enrollflow.config.Settings;
import io.enrollflow.redis.RedisConnection;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.redis.RedisScripts.Script;
import io.enrollflow.testing.RedisProcess;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What {@code enrollflow.redis.wait-replicas} costs, run by {@code bench/wait-replicas.sh}: a primary and a replica on
 * 127.0.0.1 (the embedded-redis binary), enrollflow's client (RedisConnection) and scripts (RedisScripts), and a
 * decision (transition.lua acknowledging a task: what a completion writes) made over and over with wait-replicas 0 and 1.
 * Reported per decision: median and 99th percentile latency one at a time, and decisions per second with 8 threads
 * (the workers of an instance). A task makes two decisions (claim, completion) plus one per retry. Reported, never asserted.
 * <p>
 * Options: --decisions 3000, --threads 8, --timeout 500ms.
 */
public final class WaitReplicasBench {

    private static final RedisKeys KEYS = RedisKeys.defaults();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int decisions = Integer.parseInt(options.getOrDefault("decisions", "3000"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "8"));
        Duration timeout = Settings.parseDuration(options.getOrDefault("timeout", "500ms"));
        Path dir = Files.createTempDirectory("enrollflow-wait-bench");
        List<String> rows = new ArrayList<>();
        try (RedisProcess primary = RedisProcess.start(dir, false);
             RedisProcess replica = RedisProcess.start(dir, false, "replicaof 127.0.0.1 " + primary.port())) {
            while (!String.valueOf(replica.command("INFO", "replication")).contains("master_link_status:up")) {
                Thread.sleep(50);
            }
            Path file = Files.writeString(dir.resolve("application.properties"), "");
            Settings settings = Settings.load(file, Map.of("ENROLLFLOW_REDIS_URL", "redis://" + primary.hostPort()));
            RedissonClient redis = RedisConnection.connect(RedisSettings.from(settings), threads, false);
            try {
                for (int wait : new int[] {0, 1, 0, 1}) {
                    RedisScripts scripts = new RedisScripts(redis, wait, timeout);
                    run(redis, scripts, "warm", 500, 1);
                    long[] one = run(redis, scripts, "one", decisions, 1);
                    long start = System.nanoTime();
                    run(redis, scripts, "many", decisions, threads);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Arrays.sort(one);
                    rows.add(String.format("%-14d %12.3f %12.3f %16.0f %14d", wait, one[one.length / 2] / 1e6,
                            one[(int) (one.length * 0.99)] / 1e6, decisions / seconds, scripts.unreplicated()));
                }
            } finally {
                redis.shutdown();
            }
        }
        System.out.println();
        System.out.printf("%-14s %12s %12s %16s %14s%n", "wait-replicas", "median ms", "p99 ms",
                "decisions/s (" + threads + "t)", "unreplicated");
        rows.forEach(System.out::println);
        System.out.println("decision = transition.lua acknowledging a task (a completion), on a primary with one replica,"
                + " both on 127.0.0.1; each setting measured twice");
        System.exit(0);
    }

    /** Makes {@code count} decisions on {@code threads} threads; returns each one's latency (ns) when on one thread. */
    private static long[] run(RedissonClient redis, RedisScripts scripts, String label, int count, int threads)
            throws Exception {
        long[] latencies = new long[count];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = thread; i < count; i += threads) {
                    String id = label + "-" + i;
                    String raw = "{\"taskId\":\"" + id + "\"}";
                    String processing = KEYS.processing("bench-" + thread);
                    redis.getList(processing, StringCodec.INSTANCE).add(raw);
                    long start = System.nanoTime();
                    scripts.integer(Script.TRANSITION, List.of(KEYS.task(id), KEYS.history(id), KEYS.claim(id), processing),
                            "2026-12-01T00:00:00Z", 50, raw, "", 0, 0, "status", "completed", "stage", "deliver",
                            "message", "delivered", "deliveryUrl", "https://drive.example.com/" + id);
                    latencies[i] = System.nanoTime() - start;
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        return latencies;
    }
}

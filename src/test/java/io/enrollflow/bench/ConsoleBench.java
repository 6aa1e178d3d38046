package io.enrollflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.demo.BundledRedis;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.testing.Pipeline;
import io.enrollflow.testing.RedisExtension;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The console benchmark, run by {@code bench/console.sh}: how long each console page and each API call takes
 * to answer (over loopback HTTP, whole body read) with 100,000 dead letters and 100,000 tasks waiting on the queue.
 * <p>
 * A real runtime (the test {@link Pipeline}, management server on, intake paused so the queue stays full) runs against
 * an embedded Redis filled first: the dead letters as the dead-letter script stores them (record, payload, index; the
 * reason and stage indexes built by the store's one-time indexing), 8 reasons and 4 stages, about 1 in 100 holding the
 * word "needle" in its message; 100,000 waiting tasks; 500 scheduled retries; the chart's 180 per-minute counters.
 * Every call is first made {@code --warmup} times (all of them, so the JIT has compiled the shared paths), then each
 * is timed {@code --runs} times in turn; median, p95 and max against the goal of
 * 100 ms. Reported, never asserted.
 * <p>
 * Options: --dead-letters 100000, --waiting 100000, --runs 30, --warmup 10.
 */
public final class ConsoleBench {

    private static final String TOKEN = "console-bench-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] REASONS = {"invalid_task", "enrollment_rejected", "enrollment_unavailable", "not_enrolled",
            "download_failed", "download_timeout", "delivery_failed", "poison"};
    private static final String[] STAGES = {"intake", "enroll", "download", "deliver"};

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int deadLetters = Integer.parseInt(options.getOrDefault("dead-letters", "100000"));
        int waiting = Integer.parseInt(options.getOrDefault("waiting", "100000"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "30"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "10"));

        RedisExtension redis = new RedisExtension();
        redis.beforeAll(null);
        int port = BundledRedis.freePort();
        Pipeline pipeline = new Pipeline(redis, "http://127.0.0.1:9/unused")
                .set("enrollflow.management.port", Integer.toString(port))
                .set("enrollflow.management.token", TOKEN);
        try {
            RedissonClient client = redis.client();
            RedisKeys keys = RedisKeys.defaults();
            long started = System.nanoTime();
            client.getBucket(keys.intakePaused(), StringCodec.INSTANCE).set(Instant.now().toString());
            fillDeadLetters(client, keys, deadLetters);
            fillQueue(client, keys, waiting);
            fillRetriesAndChart(client, keys);
            System.out.printf("filled Redis in %.1f s: %d dead letters, %d waiting, 500 retries%n",
                    (System.nanoTime() - started) / 1e9, deadLetters, waiting);
            pipeline.start();
            // the store's one-time indexing runs in the background at start: wait until every record is filed
            long deadline = System.currentTimeMillis() + 300_000;
            while (System.currentTimeMillis() < deadline && !client.getBucket(keys.deadLetterIndexesBuilt(), StringCodec.INSTANCE).isExists()) {
                Thread.sleep(200);
            }
            System.out.printf("indexes built after %.1f s%n", (System.nanoTime() - started) / 1e9);

            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            String base = "http://127.0.0.1:" + port;
            String cookie = signIn(http, base);
            String someDead = "dl" + (deadLetters / 2);
            List<String[]> calls = List.of(
                    new String[] {"page", "/"},
                    new String[] {"page", "/instances"},
                    new String[] {"page", "/queue"},
                    new String[] {"page", "/queue?offset=99950"},
                    new String[] {"page", "/retries"},
                    new String[] {"page", "/dead-letters"},
                    new String[] {"page", "/dead-letters?offset=99950"},
                    new String[] {"page", "/dead-letters?reason=download_failed"},
                    new String[] {"page", "/dead-letters?reason=download_failed&stage=download&offset=5000"},
                    new String[] {"page", "/dead-letters?q=needle"},
                    new String[] {"page", "/dead-letters/confirm?action=replay&reason=poison"},
                    new String[] {"page", "/dead-letters/confirm?action=replay&q=needle"},
                    new String[] {"page", "/tasks/" + someDead},
                    new String[] {"page", "/search?q=order-" + (deadLetters / 2)},
                    new String[] {"page", "/static/console.js"},
                    new String[] {"api", "/api/dead-letters?limit=100"},
                    new String[] {"api", "/api/dead-letters?reason=download_failed&limit=100&offset=5000"},
                    new String[] {"api", "/api/dead-letters/" + someDead},
                    new String[] {"api", "/api/tasks/" + someDead},
                    new String[] {"api", "/api/intake"},
                    new String[] {"open", "/observe/metrics"},
                    new String[] {"open", "/observe/health/ready"});
            List<HttpRequest> requests = new ArrayList<>();
            for (String[] call : calls) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + call[1])).timeout(Duration.ofSeconds(60));
                if (call[0].equals("page")) {
                    request.header("Cookie", "enrollflow_console=" + cookie);
                } else if (call[0].equals("api")) {
                    request.header("Authorization", "Bearer " + TOKEN);
                }
                requests.add(request.build());
            }
            // warm-up: every call, so the JIT has compiled the shared paths before the first one is timed
            for (int i = 0; i < warmup; i++) {
                for (HttpRequest request : requests) {
                    http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                }
            }
            System.out.println();
            System.out.printf("%-62s %6s %9s %9s %9s %s%n", "call (GET)", "status", "median ms", "p95 ms", "max ms", "under 100 ms");
            for (int i = 0; i < calls.size(); i++) {
                report(calls.get(i)[1], http, requests.get(i), 0, runs);
            }
            // one action: replaying one selected dead letter (a POST, then the 303 back)
            String csrf = csrfOf(http, base, cookie);
            long[] actions = new long[Math.min(runs, 20)];
            int status = 0;
            for (int i = 0; i < actions.length; i++) {
                HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/actions/dead-letters"))
                        .header("Cookie", "enrollflow_console=" + cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&back=/dead-letters&action=replay&id=dl" + i)).build();
                long t0 = System.nanoTime();
                status = http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode();
                actions[i] = System.nanoTime() - t0;
            }
            print("POST /actions/dead-letters (replay 1 selected)", status, actions);
            System.out.println("times: loopback HTTP, request sent to whole answer read, one client at a time; the machine's "
                    + Runtime.getRuntime().availableProcessors() + " cores shared with the runtime and Redis");
        } finally {
            pipeline.stop();
            redis.afterAll(null);
        }
        System.exit(0);
    }

    private static void report(String label, HttpClient http, HttpRequest request, int warmup, int runs) throws Exception {
        for (int i = 0; i < warmup; i++) {
            http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        long[] nanos = new long[runs];
        int status = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
            nanos[i] = System.nanoTime() - t0;
        }
        print(label, status, nanos);
    }

    private static void print(String label, int status, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2] / 1e6;
        double p95 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.95) - 1)] / 1e6;
        double max = sorted[sorted.length - 1] / 1e6;
        System.out.printf("%-62s %6d %9.1f %9.1f %9.1f %s%n", label, status, median, p95, max, p95 < 100 ? "yes" : "NO");
    }

    private static String signIn(HttpClient http, String base) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow(() -> new IllegalStateException("sign-in failed: " + answer.statusCode()));
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static String csrfOf(HttpClient http, String base, String cookie) throws Exception {
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Cookie", "enrollflow_console=" + cookie).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int at = page.indexOf("name=\"csrf\" value=\"") + "name=\"csrf\" value=\"".length();
        return page.substring(at, page.indexOf('"', at));
    }

    /** Dead letters as dead-letter.lua stores them (record, payload, the all-records index), in pipelined batches. */
    private static void fillDeadLetters(RedissonClient client, RedisKeys keys, int count) {
        long now = System.currentTimeMillis();
        for (int from = 0; from < count; from += 2000) {
            RBatch batch = client.createBatch();
            for (int i = from; i < Math.min(count, from + 2000); i++) {
                String id = "dl" + i;
                ObjectNode task = JSON.createObjectNode();
                task.put("taskId", id);
                task.put("orderId", "order-" + i);
                task.put("email", "buyer" + i + "@example.com");
                task.put("courseUrl", "https://courses.example.com/course/c" + (i % 500) + "/");
                ObjectNode record = JSON.createObjectNode();
                record.put("taskId", id);
                record.set("task", task);
                record.put("stage", STAGES[i % STAGES.length]);
                record.put("reason", REASONS[i % REASONS.length]);
                record.put("message", i % 100 == 0 ? "the needle broke the download" : "the download command exited with 1");
                record.put("attempts", 5);
                String at = Instant.ofEpochMilli(now - (count - i) * 1000L).toString();
                record.put("firstFailedAt", at);
                record.put("lastFailedAt", at);
                record.put("replays", 0);
                record.put("log", "line 1 of the download\nline 2 of the download\nerror: exited with 1\n");
                batch.getMap(keys.deadLetters(), StringCodec.INSTANCE).fastPutAsync(id, record.toString());
                batch.getScoredSortedSet(keys.deadLetterIndex(), StringCodec.INSTANCE).addAsync(now - (count - i) * 1000L, id);
                batch.getMap(keys.deadLetterPayloads(), StringCodec.INSTANCE).fastPutAsync(id, task.toString());
                batch.getMap(keys.task(id), StringCodec.INSTANCE).putAllAsync(Map.of("status", "failed", "taskId", id,
                        "orderId", "order-" + i, "reason", REASONS[i % REASONS.length], "stage", STAGES[i % STAGES.length]));
                batch.getSet(keys.orderTasks("order-" + i), StringCodec.INSTANCE).addAsync(id);
            }
            batch.execute();
        }
    }

    private static void fillQueue(RedissonClient client, RedisKeys keys, int count) {
        for (int from = 0; from < count; from += 5000) {
            List<String> payloads = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 5000); i++) {
                payloads.add("{\"taskId\":\"w" + i + "\",\"orderId\":\"o" + i + "\",\"email\":\"buyer@example.com\","
                        + "\"courseUrl\":\"https://courses.example.com/course/c" + (i % 500) + "/\"}");
            }
            client.getDeque(keys.queue(), StringCodec.INSTANCE).addAll(payloads);
        }
    }

    private static void fillRetriesAndChart(RedissonClient client, RedisKeys keys) {
        RBatch batch = client.createBatch();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 500; i++) {
            String id = "r" + i;
            batch.getScoredSortedSet(keys.retries(), StringCodec.INSTANCE).addAsync(now + 3_600_000L + i * 1000L, id);
            batch.getMap(keys.task(id), StringCodec.INSTANCE).putAllAsync(Map.of("status", "retrying", "stage", "enroll",
                    "reason", "enrollment_unavailable", "message", "HTTP 503", "attempts", "2"));
        }
        long minute = now / 60_000;
        for (int i = 0; i < 180; i++) {
            batch.getBucket(keys.completedInMinute(minute - i), StringCodec.INSTANCE).setAsync(String.valueOf(40 + i % 17), Duration.ofHours(25));
            batch.getBucket(keys.failedInMinute(minute - i), StringCodec.INSTANCE).setAsync(String.valueOf(i % 5), Duration.ofHours(25));
        }
        batch.execute();
    }
}

package io.enrollflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.redisson.Redisson;
import org.redisson.api.RBlockingDeque;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.queue.DequeMoveArgs;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The baseline: the work per task that no orchestration can avoid, in plain Java with no Camel, with the same number
 * of threads — BLMOVE, the enrollment POST (keep-alive), starting the same download command, the rename into the
 * delivery folder, the status write and the acknowledgement (one Lua call, as enrollflow's). No validation, no
 * history, no retries, no recovery: what enrollflow adds is what the ratio measures.
 * <p>
 * Arguments: redisUrl enrollUrl command workDir deliveryDir threads queueKey
 */
public final class BaselineWorker {

    private static final String FINISH = "redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updatedAt', ARGV[3]) "
            + "return redis.call('LREM', KEYS[2], 1, ARGV[1])";

    public static void main(String[] args) throws Exception {
        String redisUrl = args[0];
        String enrollUrl = args[1];
        String command = args[2];
        Path workDir = Path.of(args[3]);
        Path deliveryDir = Path.of(args[4]);
        int threads = Integer.parseInt(args[5]);
        String queueKey = args[6];
        Files.createDirectories(workDir);
        Files.createDirectories(deliveryDir);

        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        // the same Redis client tuning as enrollflow's (RedisConnection): the ratio measures orchestration, not settings
        config.setNettyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
        config.useSingleServer().setAddress(redisUrl).setConnectionPoolSize(threads + 16)
                .setConnectionMinimumIdleSize(Math.min(threads + 2, 8));
        RedissonClient redis = Redisson.create(config);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        String processing = "baseline:processing";
        RScript script = redis.getScript(StringCodec.INSTANCE);

        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                RBlockingDeque<String> queue = redis.getBlockingDeque(queueKey, StringCodec.INSTANCE);
                while (true) {
                    try {
                        String raw = queue.move(Duration.ofSeconds(1), DequeMoveArgs.pollLast().addFirstTo(processing));
                        if (raw == null) {
                            continue;
                        }
                        JsonNode task = json.readTree(raw);
                        String id = task.path("taskId").asText();
                        ObjectNode body = json.createObjectNode();
                        body.putArray("urls").add(task.path("courseUrl").asText());
                        body.put("email", task.path("email").asText());
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(enrollUrl))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        boolean enrolled = json.readTree(answer.body()).path("results").path(0).path("success").asBoolean();
                        String status = "failed";
                        if (enrolled) {
                            Path taskDir = workDir.resolve(id);
                            Files.createDirectories(taskDir);
                            Process process = new ProcessBuilder(command, taskDir.toString())
                                    .redirectErrorStream(true)
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                            process.getOutputStream().close();
                            if (process.waitFor() == 0) {
                                Files.move(taskDir, deliveryDir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
                                status = "completed";
                            }
                        }
                        script.eval(RScript.Mode.READ_WRITE, FINISH, RScript.ReturnType.INTEGER,
                                List.of("enrollflow:task:" + id, processing), raw, status, Instant.now().toString());
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }
            }, "baseline-" + i);
            worker.setDaemon(true);
            worker.start();
        }
        redis.getBucket("bench:baseline:ready", StringCodec.INSTANCE).set("1");
        new CountDownLatch(1).await();
    }
}

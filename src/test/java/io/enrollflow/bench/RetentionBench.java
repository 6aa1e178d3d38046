package io.enrollflow.bench;

import io.enrollflow.demo.BundledRedis;
import io.enrollflow.redis.RedisKeys;
import io.enrollflow.redis.RedisScripts;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskStatus;
import io.enrollflow.task.Stage;
import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.Tasks;
import org.redisson.Redisson;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Redis bytes per completed task and what {@code enrollflow.status.retention} gives back (docs/performance.md), run by
 * {@code bench/retention.sh}: one task is completed by the real {@link StatusStore} (claim, enrolled, downloading,
 * uploading, completed), then a Lua generator copies its status hash, history and order-index entry N times under new
 * ids, as the scripts write them, with the expiry transition.lua sets; INFO memory before, after, and once every
 * copy has expired. Reported, never asserted.
 * <pre>bench/retention.sh [N] [expire-seconds]   # default 100000 and 20</pre>
 */
public final class RetentionBench {

    private static final String GENERATOR = """
            local hash = cjson.decode(ARGV[1])
            local history = cjson.decode(ARGV[2])
            local ttl = tonumber(ARGV[5])
            for i = tonumber(ARGV[3]), tonumber(ARGV[4]) do
              local id = 'bench-' .. i
              local key = KEYS[1] .. id
              local fields = {}
              for k, v in pairs(hash) do
                fields[#fields + 1] = k
                fields[#fields + 1] = (k == 'taskId') and id or v
              end
              redis.call('HSET', key, unpack(fields))
              for j = #history, 1, -1 do redis.call('LPUSH', key .. ':history', history[j]) end
              redis.call('SADD', KEYS[2] .. i, id)
              if ttl > 0 then
                redis.call('EXPIRE', key, ttl)
                redis.call('EXPIRE', key .. ':history', ttl)
              end
            end
            return 0
            """;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ttl = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (BundledRedis server = BundledRedis.start()) {
            Config config = new Config();
            config.setCodec(StringCodec.INSTANCE);
            config.useSingleServer().setAddress(server.url());
            RedissonClient redis = Redisson.create(config);
            try {
                run(redis, n, ttl);
            } finally {
                redis.shutdown();
            }
        }
    }

    private static void run(RedissonClient redis, int n, int ttl) throws Exception {
        RedisKeys keys = RedisKeys.defaults();
        StatusStore status = new StatusStore(redis, new RedisScripts(redis), keys, 50, "bench", 5);
        Tasks task = Tasks.aTask().orderId("1007");
        TaskRun run = new TaskRun(task.json(), keys.processing("bench"));
        run.taskId(task.taskId());
        run.claimToken(status.claim(run, "1007", task.courseUrl()).token());
        status.holdEnrolled(run, "enrolled");
        status.transition(run, TaskStatus.DOWNLOADING, Stage.DOWNLOAD, "downloading");
        status.transition(run, TaskStatus.UPLOADING, Stage.DELIVER, "uploading");
        status.complete(run, "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQrStUvWxYz012345");
        Map<String, String> hash = status.read(task.taskId());
        List<Object> history = new ArrayList<>(redis.getList(keys.history(task.taskId()), StringCodec.INSTANCE).readAll());
        java.util.Collections.reverse(history);
        String hashJson = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(hash);
        String historyJson = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(history);
        System.out.printf("one completed task: status hash %d fields, history %d entries%n", hash.size(), history.size());

        long before = usedMemory(redis);
        RScript script = redis.getScript(StringCodec.INSTANCE);
        for (int from = 1; from <= n; from += 1000) {
            script.eval(RScript.Mode.READ_WRITE, GENERATOR, RScript.ReturnType.INTEGER,
                    List.of(keys.taskPrefix(), keys.orderTasks("bench-order-")), hashJson, historyJson,
                    String.valueOf(from), String.valueOf(Math.min(n, from + 999)), String.valueOf(ttl));
        }
        long after = usedMemory(redis);
        String sample = keys.task("bench-1");
        Object hashBytes = memoryUsage(redis, sample);
        Object historyBytes = memoryUsage(redis, sample + ":history");
        System.out.printf("%d completed tasks: used_memory %d -> %d bytes, %.0f bytes per task "
                        + "(MEMORY USAGE: status hash %s, history %s)%n",
                n, before, after, (after - before) / (double) n, hashBytes, historyBytes);
        long deadline = System.nanoTime() + Duration.ofSeconds(ttl + 120L).toNanos();
        while (redis.getKeys().getKeysByPattern(keys.taskPrefix() + "bench-1*", 10).iterator().hasNext()
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        // Redis expires keys a sample at a time; wait until the last generated ones are gone too
        while (redis.getKeys().count() > n + 20L && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        long expired = usedMemory(redis);
        System.out.printf("after the %ds retention: used_memory %d bytes (%d keys left: the order index's sets, "
                + "which have no expiry)%n", ttl, expired, redis.getKeys().count());
    }

    private static long usedMemory(RedissonClient redis) {
        Map<String, String> memory = redis.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance()
                .info(org.redisson.api.redisnode.RedisNode.InfoSection.MEMORY);
        return Long.parseLong(memory.get("used_memory"));
    }

    private static Object memoryUsage(RedissonClient redis, String key) {
        return redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY,
                "return redis.call('MEMORY', 'USAGE', KEYS[1])", RScript.ReturnType.INTEGER, List.of(key));
    }
}

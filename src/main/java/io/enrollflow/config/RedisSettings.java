package io.enrollflow.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code enrollflow.redis.*} settings and the task queue's key: which Redis, how decisions are made durable, and
 * how every key is named. Parsed and checked once; a bad value is a {@link ConfigException} naming its key.
 *
 * @param url           the one server's address (used when neither list is set)
 * @param sentinels     Sentinel: {@code host:port} entries, empty for no Sentinel
 * @param masterName    Sentinel: the name the sentinels know the primary by
 * @param clusterNodes  Cluster: {@code host:port} entries, empty for no Cluster
 * @param password      Sentinel and Cluster: the nodes' password, empty for none; never logged
 * @param tls           Sentinel and Cluster: {@code rediss://} to every node
 * @param waitReplicas  replicas a decision waits for (0 = no WAIT)
 * @param waitTimeout   the longest a decision waits for them
 * @param namespace     the start of every key
 * @param queueKey      the task queue as set; empty for {@code <namespace>:tasks}
 */
public record RedisSettings(String url, List<String> sentinels, String masterName, List<String> clusterNodes,
                            String password, boolean tls, int waitReplicas, Duration waitTimeout, String namespace,
                            String queueKey) {

    public static final String URL = "enrollflow.redis.url";
    public static final String SENTINELS = "enrollflow.redis.sentinels";
    public static final String MASTER_NAME = "enrollflow.redis.master-name";
    public static final String CLUSTER_NODES = "enrollflow.redis.cluster-nodes";
    public static final String PASSWORD = "enrollflow.redis.password";
    public static final String TLS = "enrollflow.redis.tls";
    public static final String WAIT_REPLICAS = "enrollflow.redis.wait-replicas";
    public static final String WAIT_TIMEOUT = "enrollflow.redis.wait-timeout";
    public static final String NAMESPACE = "enrollflow.redis.namespace";
    public static final String QUEUE_KEY = "enrollflow.queue.key";

    /** A namespace: letters, digits and {@code _ . - : { }}; no spaces, no glob characters (keys are listed with them). */
    private static final Pattern NAMESPACE_TEXT = Pattern.compile("[A-Za-z0-9_.:{}-]{1,64}");
    /** {@code host:port}, the host a name, an IPv4 address or a bracketed IPv6 address. */
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

    public RedisSettings {
        sentinels = List.copyOf(sentinels);
        clusterNodes = List.copyOf(clusterNodes);
    }

    public static RedisSettings from(Settings settings) {
        boolean sentinel = !settings.text(SENTINELS).isEmpty();
        boolean cluster = !settings.text(CLUSTER_NODES).isEmpty();
        if (sentinel && cluster) {
            // enrollflow cannot tell which Redis is meant
            throw new ConfigException(CLUSTER_NODES, "set together with " + SENTINELS + "; set exactly one of them"
                    + " (or neither, for the one server of " + URL + ")");
        }
        boolean tls = settings.flag(TLS);
        String url = settings.text(URL);
        String masterName = settings.text(MASTER_NAME);
        if (sentinel) {
            masterName = settings.required(MASTER_NAME);
        } else if (!cluster) {
            url = settings.required(URL);
            checkUrl(url);
        }
        String namespace = settings.required(NAMESPACE);
        if (!NAMESPACE_TEXT.matcher(namespace).matches()) {
            throw new ConfigException(NAMESPACE, "\"" + namespace + "\" is not a namespace (1 to 64 of letters, digits"
                    + " and _ . - : { }; a hash tag such as {enrollflow} is fine)");
        }
        return new RedisSettings(url, sentinel ? hostPorts(settings, SENTINELS) : List.of(), masterName,
                cluster ? hostPorts(settings, CLUSTER_NODES) : List.of(), settings.text(PASSWORD), tls,
                settings.integer(WAIT_REPLICAS, 0, 16),
                settings.duration(WAIT_TIMEOUT, Duration.ofMillis(1), Duration.ofSeconds(60)),
                namespace, settings.text(QUEUE_KEY));
    }

    /** Sentinel mode: the sentinels are set. */
    public boolean sentinel() {
        return !sentinels.isEmpty();
    }

    /** Cluster mode: the cluster nodes are set. */
    public boolean cluster() {
        return !clusterNodes.isEmpty();
    }

    /** The password never reaches a log line, nor the URL's (it may carry one). */
    @Override
    public String toString() {
        return "RedisSettings[url=" + Redact.url(url) + ", sentinels=" + sentinels + ", masterName=" + masterName
                + ", clusterNodes=" + clusterNodes + ", password=" + (password.isEmpty() ? "" : "***") + ", tls=" + tls
                + ", waitReplicas=" + waitReplicas + ", waitTimeout=" + waitTimeout + ", namespace=" + namespace
                + ", queueKey=" + queueKey + "]";
    }

    /** The entries of a list setting, each {@code host:port}; a set list naming none is an error too. */
    private static List<String> hostPorts(Settings settings, String key) {
        List<String> out = new ArrayList<>();
        for (String entry : settings.list(key)) {
            var m = HOST_PORT.matcher(entry);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw new ConfigException(key, "\"" + entry + "\" is not host:port (the list is comma-separated host:port)");
            }
            out.add(entry);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, "names no host:port");
        }
        return out;
    }

    /** The address as typed may hold a password (redis://:secret@host): the message shows it redacted (docs/contract.md §1). */
    private static void checkUrl(String url) {
        String problem = "\"" + Redact.url(url) + "\" is not a redis:// or rediss:// address (redis://host:port)";
        try {
            URI uri = new URI(url);
            if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(URL, problem);
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(URL, problem);
        }
    }
}

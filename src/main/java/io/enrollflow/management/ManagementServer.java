package io.enrollflow.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.enrollflow.logging.Event;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.client.RedisException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The management HTTP server (docs/contract.md §8) on {@code enrollflow.management.host}:{@code enrollflow.management.port}:
 * {@code /observe/health[/live|/ready]} and {@code /observe/metrics} open, {@code /api/*} behind the bearer token
 * ({@link BearerToken}: none configured → 403 for every call, wrong or missing → 401), all on one port; this class
 * owns the listening socket and its threads, {@link ManagementRouter} where each request goes.
 * <p>
 * Why our own small server on the JDK's {@code com.sun.net.httpserver.HttpServer} rather than camel-platform-http-main
 * with camel-health and camel-micrometer-prometheus: the contract wants health, metrics and the API on one port, and in
 * Camel 4.17.0 the management settings are ignored when {@code camel.server} and {@code camel.management} share a port
 * (CAMEL-25462); the platform-http stack would also bring Vert.x and Camel's own health/metric shapes, while ours are a
 * few classes: a pool of {@link #THREADS} to {@link #MAX_THREADS} threads (from Camel's ExecutorServiceManager), JSON by Jackson, Prometheus text by Micrometer's registry. It
 * is also off the Camel routes entirely, so a busy pipeline never delays a probe.
 * <p>
 * Lifecycle: a Camel service of the runtime — started with the context (ready reports DOWN until the routes run),
 * stopped after the routes during shutdown (ready DOWN while stopping). When the port cannot be bound the runtime goes
 * on without it and says so in a WARN: processing tasks matters more than answering probes, and the failing probes
 * make the problem visible.
 */
public class ManagementServer extends ServiceSupport implements CamelContextAware {

    /** Threads kept serving requests: probes and scrapes are quick; the API's replays are rare. */
    static final int THREADS = 4;
    /**
     * The most threads serving at once. The JDK server reads a request's line and headers on the serving thread, so a
     * client that sends half a request holds one until {@link #MAX_REQUEST_SECONDS} pass; beyond {@link #THREADS}
     * the pool grows (threads cost little while they wait) so that dozens of such clients leave room for the probes.
     * Past this bound a request is not served and its connection is closed by the same timer.
     */
    static final int MAX_THREADS = 128;
    /** A request's line and headers must arrive whole within this many seconds, or the connection is closed. */
    static final int MAX_REQUEST_SECONDS = 5;
    /** An answer must be taken by the client within this many seconds, or the connection is closed. */
    static final int MAX_RESPONSE_SECONDS = 30;
    /** The most header lines, and bytes of them, a request may have (the JDK's defaults are 200 and 380 KiB). */
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    static {
        limitSlowClients();
    }

    /**
     * Sets the JDK server's own limits on requests (docs/contract.md §8: a request must arrive whole within a few seconds;
     * §10: management requests are capped in size). They are system properties read once, when the first JDK HTTP
     * server of the process is made: {@code main} calls this first thing, and this class's loading does too. A value
     * the operator set with {@code -D} is kept.
     */
    public static void limitSlowClients() {
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
        setIfAbsent("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        // the JDK server sends an answer's headers and body as two writes; with Nagle's algorithm on, the body waits
        // for the client's delayed ACK (about 40 ms on Linux) on every small answer
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private static final Logger LOG = LogManager.getLogger(ManagementServer.class);

    private final String host;
    private final int port;
    private final ManagementRouter router;
    private CamelContext camelContext;
    private HttpServer server;
    private ExecutorService executor;

    public ManagementServer(String host, int port, String token, Health health, Metrics metrics, OperatorApi api) {
        this.host = host;
        this.port = port;
        this.router = new ManagementRouter(new BearerToken(token), health, metrics, api);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /**
     * Mounts the operators' console at {@code /} (docs/contract.md §11): every path that is not /observe or /api goes to this
     * handler, which the runtime makes; the server does not know the console's classes.
     */
    public void mountConsole(HttpHandler console) {
        router.mountConsole(console);
    }

    /** Sets the read token (empty: none): it opens every GET of the API and nothing else. */
    public void readToken(String token) {
        router.readToken(token);
    }

    /** The port listened on; -1 when not listening. */
    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    protected void doStart() throws Exception {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 50);
        } catch (BindException e) {
            Event.warn(LOG).stage("management").outcome("not-listening").kv("address", host + ":" + port)
                    .error(e.getMessage()).note("health, metrics and the API are off in this instance; free the port"
                            + " or set enrollflow.management.port").log();
            return;
        }
        AtomicLong lastRefusal = new AtomicLong();
        // No queue (Camel makes a SynchronousQueue for maxQueueSize 0): a request waiting behind stalled ones would
        // wait for them to time out, so the pool grows instead, up to MAX_THREADS. A request beyond that is not run;
        // its connection stays in the server's "request started" list and is closed by the maxReqTime timer, freeing
        // everything.
        ThreadPoolProfile pool = new ThreadPoolProfileBuilder("enrollflow-management").poolSize(THREADS)
                .maxPoolSize(MAX_THREADS).keepAliveTime(30L, TimeUnit.SECONDS).maxQueueSize(0).build();
        executor = camelContext.getExecutorServiceManager().newThreadPool(this, "enrollflow-management", pool);
        // Camel's own choices are Abort (the server's dispatcher would log each) or CallerRuns (the dispatcher would
        // serve a slow client itself and stall every other): refuse quietly instead, with one WARN per 10 s
        ((ThreadPoolExecutor) executor).setRejectedExecutionHandler((request, full) -> {
            long now = System.nanoTime();
            long last = lastRefusal.get();
            if (now - last > TimeUnit.SECONDS.toNanos(10) && lastRefusal.compareAndSet(last, now)) {
                Event.warn(LOG).stage("management").outcome("busy").kv("threads", MAX_THREADS)
                        .note("every serving thread is taken (slow clients?); requests are dropped until some finish"
                                + " or time out after " + MAX_REQUEST_SECONDS + "s").log();
            }
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        Event.info(LOG).stage("management").outcome("listening").kv("address", host + ":" + port())
                .kv("api", router.apiOpen() ? "token" : "closed (no enrollflow.management.token)").log();
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop(1);
            server = null;
        }
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdownGraceful(executor, 2000);
            executor = null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            try {
                router.route(exchange, method, path);
            } catch (RedisException e) {
                // Redis unreachable: nothing was changed that is not recorded; the caller may try again
                ManagementRouter.sendJson(exchange, OperatorApi.error(503, "Redis is unreachable; try again"));
            } catch (RuntimeException e) {
                Event.error(LOG).stage("management").outcome("error").kv("method", method).kv("path", path).thrown(e)
                        .log();
                ManagementRouter.sendJson(exchange, OperatorApi.error(500, "internal error; see the instance's log"));
            }
        } catch (IOException e) {
            // the client went away before the answer: nothing to do
        }
    }
}

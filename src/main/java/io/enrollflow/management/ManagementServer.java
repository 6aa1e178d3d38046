package io.enrollflow.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.enrollflow.logging.Event;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.client.RedisException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The management HTTP server (docs/contract.md §8) on {@code enrollflow.management.host}:{@code enrollflow.management.port}:
 * {@code /observe/health[/live|/ready]} and {@code /observe/metrics} open, {@code /api/*} behind the bearer token
 * ({@link BearerToken}: none configured → 403 for every call, wrong or missing → 401), all on one port; this class
 * owns the listening socket and its threads, {@link ManagementRouter} where each request goes.
 * <p>
 * Why our own small server rather than camel-platform-http-main with camel-health and camel-micrometer-prometheus: the
 * contract wants health, metrics and the API on one port, and in Camel 4.17.0 the management settings are ignored when
 * {@code camel.server} and {@code camel.management} share a port (CAMEL-25462); the platform-http stack would also bring
 * Vert.x and Camel's own health/metric shapes. It is also off the Camel routes entirely, so a busy pipeline never
 * delays a probe.
 * <p>
 * Why on Netty (its HTTP/1.1 codec, on the Netty that Redisson already runs) rather than the JDK's
 * {@code HttpServer}: the JDK server reads a request's line and headers on a serving thread, so every client that
 * sends half a request and then a byte a second holds a thread, and a few hundred of them take every thread the
 * probes need. Here one event-loop thread reads every connection without blocking; a thread is taken only by a
 * request that has arrived whole ({@link RequestDispatch}), and the answer is written back by the event loop
 * ({@link BufferedExchange}), so no thread ever waits for a client. Connections are capped per client address and in
 * all, the oldest one still sending its request giving way ({@link ConnectionGate}); a request must arrive whole within
 * {@link #MAX_REQUEST_SECONDS} s; liveness and readiness have a pool of their own. The handlers keep the JDK's
 * {@code HttpExchange} shape, so the router and the console do not know which server carries them.
 * <p>
 * Lifecycle: a Camel service of the runtime — started with the context (ready reports DOWN until the routes run),
 * stopped after the routes during shutdown (ready DOWN while stopping). When the port cannot be bound the runtime goes
 * on without it and says so in a WARN: processing tasks matters more than answering probes, and the failing probes
 * make the problem visible.
 */
public class ManagementServer extends ServiceSupport implements CamelContextAware {

    /** Threads kept serving requests: probes and scrapes are quick; the API's replays are rare. */
    static final int THREADS = 4;
    /** The most threads serving API, console and metrics requests at once; beyond, they queue. */
    static final int MAX_THREADS = 16;
    /** Requests that wait for a serving thread; beyond, the answer is 503 at once. */
    static final int QUEUE = 256;
    /** Threads answering liveness and readiness, apart from the rest. */
    static final int PROBE_THREADS = 2;
    /** A request's line, headers and body must arrive whole within this many seconds, or the connection is closed. */
    static final int MAX_REQUEST_SECONDS = 5;
    /** An answer must be taken by the client within this many seconds, or the connection is closed. */
    static final int MAX_RESPONSE_SECONDS = 30;
    /** The most header lines, and bytes of them, a request may have; the longest request line; the largest body. */
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_LINE_BYTES = 8 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = LogManager.getLogger(ManagementServer.class);

    private final String host;
    private final int port;
    private final ManagementRouter router;
    private final WrongTokens wrongTokens;
    private CamelContext camelContext;
    private EventLoopGroup loop;
    private Channel listener;
    private ExecutorService workers;
    private ExecutorService probes;

    public ManagementServer(String host, int port, String token, Health health, Metrics metrics, OperatorApi api,
                            WrongTokens wrongTokens) {
        this.host = host;
        this.port = port;
        this.wrongTokens = wrongTokens;
        this.router = new ManagementRouter(new BearerToken(token), health, metrics, api, wrongTokens);
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
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    protected void doStart() throws Exception {
        var threads = camelContext.getExecutorServiceManager();
        workers = threads.newThreadPool(this, "enrollflow-management", new ThreadPoolProfileBuilder("enrollflow-management")
                .poolSize(THREADS).maxPoolSize(MAX_THREADS).maxQueueSize(QUEUE).keepAliveTime(30L, TimeUnit.SECONDS)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
        probes = threads.newThreadPool(this, "enrollflow-probes", new ThreadPoolProfileBuilder("enrollflow-probes")
                .poolSize(PROBE_THREADS).maxPoolSize(PROBE_THREADS).maxQueueSize(QUEUE)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
        // one thread accepts and reads every connection: ConnectionGate's counts rely on it
        loop = new NioEventLoopGroup(1, new DefaultThreadFactory("enrollflow-management-io", true));
        ConnectionGate gate = new ConnectionGate();
        RequestDispatch dispatch = new RequestDispatch(this::handle, probes, workers);
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(gate,
                                new HttpServerCodec(MAX_LINE_BYTES, MAX_HEADER_BYTES, 8192),
                                new HttpObjectAggregator(MAX_BODY_BYTES), dispatch);
                    }
                });
        try {
            listener = bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            if (!(e instanceof BindException)) {
                throw e;
            }
            Event.warn(LOG).stage("management").outcome("not-listening").kv("address", host + ":" + port)
                    .error(e.getMessage()).note("health, metrics and the API are off in this instance; free the port"
                            + " or set enrollflow.management.port").log();
            doStop();
            return;
        }
        loop.scheduleAtFixedRate(wrongTokens::flush, 1, 1, TimeUnit.MINUTES);
        Event.info(LOG).stage("management").outcome("listening").kv("address", host + ":" + port())
                .kv("api", router.apiOpen() ? "token" : "closed (no enrollflow.management.token)").log();
    }

    @Override
    protected void doStop() throws Exception {
        if (listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        // requests being answered finish first: their answers still need the event loop to be written
        for (ExecutorService pool : new ExecutorService[] {workers, probes}) {
            if (pool != null) {
                camelContext.getExecutorServiceManager().shutdownGraceful(pool, 2000);
            }
        }
        workers = null;
        probes = null;
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            loop = null;
        }
    }

    /** True for the first call in 10 s (per counter): a WARN about a flood must not flood the log too. */
    static boolean firstIn10Seconds(AtomicLong last) {
        long now = System.nanoTime();
        long before = last.get();
        return (before == 0 || now - before > TimeUnit.SECONDS.toNanos(10)) && last.compareAndSet(before, now);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            router.route(exchange, method, path);
        } catch (RedisException e) {
            // Redis unreachable: nothing was changed that is not recorded; the caller may try again
            ManagementRouter.sendJson(exchange, OperatorApi.error(503, "Redis is unreachable; try again"));
        } catch (RuntimeException e) {
            Event.error(LOG).stage("management").outcome("error").kv("method", method).kv("path", path).thrown(e).log();
            ManagementRouter.sendJson(exchange, OperatorApi.error(500, "internal error; see the instance's log"));
        }
    }
}

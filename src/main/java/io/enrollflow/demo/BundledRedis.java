package io.enrollflow.demo;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A real Redis server from the binary shipped in the Maven artifact {@code com.github.codemonstur:embedded-redis}
 * (Redis 6.2: BLMOVE and Lua, all enrollflow needs), on 127.0.0.1 and a free port, with persistence off. Used by the
 * demo and by the tests; nothing to install.
 */
public final class BundledRedis implements AutoCloseable {

    private final int port;
    private RedisServer server;

    private BundledRedis(int port) {
        this.port = port;
    }

    /** Starts a server on a free port; throws if it cannot start. */
    public static BundledRedis start() {
        return startOn(freePort());
    }

    /** Starts a server on the given port (a restart on the same port, for outage tests). */
    public static BundledRedis startOn(int port) {
        BundledRedis redis = new BundledRedis(port);
        redis.startServer();
        return redis;
    }

    private void startServer() {
        try {
            server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled Redis did not start on port " + port, e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, the form of {@code enrollflow.redis.url}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server (its data goes with it). */
    public void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
    }

    /** Starts it again on the same port, empty. */
    public void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

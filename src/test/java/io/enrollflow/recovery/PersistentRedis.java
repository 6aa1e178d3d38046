package io.enrollflow.recovery;

import io.enrollflow.demo.BundledRedis;
import org.awaitility.Awaitility;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Redis server that keeps its data across a crash, for outage tests: the binary of the embedded-redis artifact (as
 * {@link BundledRedis}) with the append-only file on and fsynced on every write, in a folder of its own.
 * {@link #kill()} ends the process with SIGKILL, as a crash would; {@link #start()} brings it back on the same port
 * from the same folder, with every acknowledged write.
 */
public final class PersistentRedis implements AutoCloseable {

    private final int port = BundledRedis.freePort();
    private final Path dir;
    private RedisServer server;

    public PersistentRedis() {
        try {
            dir = Files.createTempDirectory("enrollflow-redis-aof");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server (again) on its port, loading the append-only file. */
    public PersistentRedis start() {
        try {
            server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting("appendonly yes")
                    .setting("appendfsync always")
                    .setting("dir " + dir.toAbsolutePath())
                    .onShutdownForceStop(true)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not start on port " + port, e);
        }
        return this;
    }

    /** SIGKILL, then waits until the port refuses connections. */
    public void kill() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = null;
        Awaitility.await("Redis gone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> !listening());
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                // the process goes with the test JVM at the latest
            }
            server = null;
        }
    }
}

package io.enrollflow.testing;

import io.enrollflow.demo.BundledRedis;
import org.awaitility.Awaitility;
import redis.embedded.core.ExecutableProvider;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process from the embedded-redis artifact's binary (the one {@link BundledRedis} runs), started
 * with a configuration file of the test's own: a plain server, a replica, a Sentinel ({@code --sentinel}) or a Cluster
 * node ({@code cluster-enabled yes}). The test talks to it with {@link #command} (a few lines of RESP: no redis-cli
 * ships with the artifact) and ends it with {@link #kill9()}, as a crash would.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final Process process;

    private RedisProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** A server (or Sentinel, with {@code sentinel}) on a free port, persisting nothing, with these extra config lines. */
    public static RedisProcess start(Path parent, boolean sentinel, String... configLines) {
        int port = BundledRedis.freePort();
        try {
            Path dir = Files.createDirectories(parent.resolve((sentinel ? "sentinel-" : "redis-") + port));
            List<String> conf = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir.toAbsolutePath(),
                    "save \"\"", "appendonly no", "logfile " + dir.resolve("redis.log").toAbsolutePath()));
            conf.addAll(List.of(configLines));
            Path file = Files.write(dir.resolve("redis.conf"), conf, StandardCharsets.UTF_8);
            String binary = ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
            List<String> command = new ArrayList<>(List.of(binary, file.toAbsolutePath().toString()));
            if (sentinel) {
                command.add("--sentinel");
            }
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            RedisProcess redis = new RedisProcess(port, dir, process);
            Awaitility.await("redis on " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("redis-server on " + port + " exited: " + redis.log());
                        }
                        return redis.answers();
                    });
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not start on " + port, e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the form of enrollflow.redis.sentinels and enrollflow.redis.cluster-nodes entries. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * SIGSTOP: the process stands still with its connections open, so a primary still counts a frozen replica as
     * connected while it acknowledges nothing ({@link #kill9()} ends a stopped process too).
     */
    public void freeze() {
        try {
            new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGCONT: a frozen process goes on where it stood. */
    public void thaw() {
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no save, no goodbye to replicas or sentinels. */
    public void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server on " + port + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    /** Its log file, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private boolean answers() {
        try {
            return "PONG".equals(command("PING"));
        } catch (IllegalStateException e) {
            // a server started with requirepass answers, asking for the password first
            return e.getMessage() != null && e.getMessage().startsWith("NOAUTH");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends one command and returns its reply: a String (simple string or bulk), a Long, a List of replies, or null.
     * An error reply throws {@link IllegalStateException} with Redis's text.
     */
    public Object command(String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reply(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("redis on " + port + ": " + String.join(" ", args), e);
        }
    }

    private static Object reply(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IllegalStateException(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                yield new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply(in));
                }
                yield items;
            }
            default -> throw new IOException("unexpected reply type " + (char) type + line);
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }
}

package io.enrollflow.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The loopback redirect of Google's installed-app flow: a JDK HTTP server on 127.0.0.1 and a port the system picks,
 * which takes the one answer whose {@code state} is this sign-in's and tells the browser it may close the tab.
 * <p>
 * google-oauth-client's {@code LocalServerReceiver} is on the classpath but does not fit: it listens on every
 * interface (not only 127.0.0.1), picks its port by opening and closing a probe socket (another program may take it in
 * between), ignores {@code state}, and waits for the browser without end. An answer with another state (a page of an
 * older sign-in, or another site steering the browser here) is refused and the wait goes on.
 */
final class LoopbackReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final String state;
    private final CompletableFuture<AuthorizationAnswer> answer;

    private LoopbackReceiver(String state, CompletableFuture<AuthorizationAnswer> answer) throws IOException {
        this.state = state;
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "drive-login-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Listens until closed.
     *
     * @param answer completed with the first answer that carries {@code state}
     */
    static LoopbackReceiver start(String state, CompletableFuture<AuthorizationAnswer> answer) throws IOException {
        return new LoopbackReceiver(state, answer);
    }

    /** The redirect URI to send with the authorization request. */
    String redirectUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getRawPath())) {
                reply(exchange, 404, "Not found.");
                return;
            }
            AuthorizationAnswer received = AuthorizationAnswer.fromQuery(exchange.getRequestURI().getRawQuery());
            if (!state.equals(received.state())) {
                reply(exchange, 400, "This answer is not for the enrollflow sign-in running now (its state does not "
                        + "match), so it is ignored.");
                return;
            }
            reply(exchange, 200, received.error().isEmpty()
                    ? "enrollflow has the consent; you may close this tab and go back to the terminal."
                    : "The consent was not given. Go back to the terminal.");
            answer.complete(received);
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = ("<!doctype html><meta charset=\"utf-8\"><title>enrollflow drive login</title><p>" + text)
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package io.enrollflow.callback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.config.Redact;
import io.enrollflow.retry.Backoff;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusListener;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Status callbacks (CONTRACT §3): every transition a {@link StatusListener} hears is POSTed as JSON
 * {@code {"taskId","status","reason","message","deliveryUrl","at"}} to {@code enrollflow.status.callback-url}
 * ({@code ${taskId}} filled in, URL-encoded). Lifecycle of one callback:
 * <ol>
 *   <li>queued: {@link #changed} only offers it to a bounded in-memory queue ({@link #QUEUE_CAPACITY}) and returns,
 *       so a slow or dead receiver never blocks or fails a task; a full queue drops it (counted, WARN);</li>
 *   <li>sent: one sender thread POSTs in order, each attempt bounded by {@code enrollflow.status.callback-timeout};
 *       any 2xx is success;</li>
 *   <li>retried: a failed attempt (refused, timeout, non-2xx) goes back to the queue after a backoff (500 ms doubling,
 *       ±20%, at most 30 s), up to {@code enrollflow.status.callback-attempts} attempts in all;</li>
 *   <li>given up: logged once as a WARN (the URL without its query or credentials, never the body) and counted.</li>
 * </ol>
 * Callbacks are a notification, not the record: the status hash in Redis is the truth, and callbacks still queued when
 * the process stops are sent for up to {@link #DRAIN_TIMEOUT} and then dropped. A receiver may get one transition more
 * than once (a retry after a timeout) or, after a retry, out of order: {@code at} orders them.
 */
public class StatusCallback extends ServiceSupport implements StatusListener {

    /** Callbacks waiting to be sent (retries included); beyond it new ones are dropped. */
    static final int QUEUE_CAPACITY = 10_000;
    /** How long stopping waits for queued callbacks to go out. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(StatusCallback.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), 2, Duration.ofSeconds(30));

    /** One transition to send, and how many attempts it had. */
    private record Pending(StatusChange change, int attemptsMade) {
    }

    private final String urlTemplate;
    private final int attempts;
    private final Duration timeout;
    private final Consumer<String> failures;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final HttpClient http;
    private ScheduledExecutorService retries;
    private Thread sender;
    private volatile boolean accepting;
    /** Callbacks accepted and not yet settled (sent, given up or dropped): queued, being sent, or waiting to retry. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long lastDropWarning;

    /**
     * @param urlTemplate the callback URL, possibly with {@code ${taskId}}
     * @param attempts    attempts per transition, the first included
     * @param timeout     bound on connecting and on the whole answer of one attempt
     * @param failures    told {@code retried}, {@code gave_up} or {@code dropped} for each failure (a metric)
     */
    public StatusCallback(String urlTemplate, int attempts, Duration timeout, Consumer<String> failures) {
        this.urlTemplate = urlTemplate;
        this.attempts = attempts;
        this.timeout = timeout;
        this.failures = failures;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void changed(StatusChange change) {
        if (change.taskId() == null || !accepting) {
            // a payload without a task id has no status for the backend to follow
            return;
        }
        outstanding.incrementAndGet();
        offer(new Pending(change, 0));
    }

    /** Queues a callback that is counted in {@link #outstanding}; a full queue drops it (and settles it). */
    private void offer(Pending pending) {
        if (!queue.offer(pending)) {
            outstanding.decrementAndGet();
            failures.accept("dropped");
            long now = System.nanoTime();
            if (now - lastDropWarning > TimeUnit.SECONDS.toNanos(10)) {
                lastDropWarning = now;
                LOG.warn("task={} stage=callback outcome=dropped status={} note=\"{} callbacks are waiting; the receiver "
                        + "is too slow or down (further drops in the next 10s are only counted)\"",
                        pending.change().taskId(), pending.change().status().word(), QUEUE_CAPACITY);
            }
        }
    }

    @Override
    protected void doStart() {
        accepting = true;
        retries = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "enrollflow-callback-retry"));
        sender = daemon(this::sendLoop, "enrollflow-callback");
        sender.start();
        LOG.info("task=- stage=callback outcome=on url={} attempts={} timeout={}", safeUrl(urlTemplate), attempts, timeout);
    }

    @Override
    protected void doStop() throws InterruptedException {
        accepting = false;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        if (outstanding.get() > 0) {
            LOG.warn("task=- stage=callback outcome=dropped-on-stop callbacks={} note=\"the status hashes hold them\"",
                    outstanding.get());
        }
        retries.shutdownNow();
        sender.interrupt();
        sender.join(timeout.toMillis() + 1_000);
    }

    /** True when every callback accepted so far is settled: sent, given up or dropped. */
    public boolean idle() {
        return outstanding.get() == 0;
    }

    private void sendLoop() {
        while (true) {
            Pending pending;
            try {
                pending = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            String error = send(pending.change());
            if (error == null) {
                outstanding.decrementAndGet();
                continue;
            }
            int made = pending.attemptsMade() + 1;
            StatusChange change = pending.change();
            if (made < attempts && accepting) {
                failures.accept("retried");
                LOG.debug("task={} stage=callback outcome=retrying status={} attempt={} error=\"{}\"",
                        change.taskId(), change.status().word(), made, error);
                scheduleRetry(new Pending(change, made));
            } else {
                outstanding.decrementAndGet();
                failures.accept("gave_up");
                LOG.warn("task={} stage=callback outcome=gave-up status={} attempts={} url={} error=\"{}\" "
                        + "note=\"the task is not affected; its status hash has the transition\"",
                        change.taskId(), change.status().word(), made, safeUrl(url(change.taskId())), error);
            }
        }
    }

    private void scheduleRetry(Pending pending) {
        try {
            retries.schedule(() -> offer(pending), BACKOFF.delay(pending.attemptsMade()).toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            outstanding.decrementAndGet();
        }
    }

    /** One attempt; returns null on success, else what went wrong (no body, no credentials). */
    private String send(StatusChange change) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url(change.taskId())))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(change)))
                    .build();
            // The request's own timeout ends at the answer's headers; the whole answer (a receiver may trickle its
            // body) is bounded here, and the body is read without being kept (nothing of it is held in memory).
            CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
            HttpResponse<Void> response;
            try {
                response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                answer.cancel(true); // closes the exchange: the sender thread goes on with the next callback
                return "no whole answer within " + timeout;
            }
            int status = response.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + Redact.url(cause.getMessage()));
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    static String body(StatusChange change) {
        ObjectNode json = JSON.createObjectNode();
        json.put("taskId", change.taskId());
        json.put("status", change.status().word());
        json.put("reason", change.reason());
        json.put("message", change.message());
        json.put("deliveryUrl", change.deliveryUrl());
        json.put("at", change.at());
        return json.toString();
    }

    String url(String taskId) {
        return urlTemplate.replace("${taskId}", URLEncoder.encode(taskId, StandardCharsets.UTF_8));
    }

    /** The URL as logs may show it: no user info, no query (tokens live there); see {@link Redact}. */
    static String safeUrl(String url) {
        return Redact.url(url);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}

package io.enrollflow.enroll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.Stage;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Service;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The Java half of routes/enroll.camel.yaml: builds the request, makes the call ({@link #call}), and turns the answer
 * into the header {@link #OUTCOME_HEADER} that the route's content-based router reads.
 * <p>
 * Why the call is made here with Apache HttpClient 5's classic API rather than by a camel-http endpoint (the same
 * library underneath): docs/contract.md §10 wants the whole answer within {@code enrollflow.enroll.timeout} however slowly its
 * bytes trickle, and at most a bounded size held. camel-http only bounds each read, so a server sending a byte a
 * second holds a worker for ever, and it reads the whole body into memory. Here one deadline covers connecting, the
 * status line, the headers and the body: a timer aborts the request when it passes (the connection is closed under
 * the read), and the body is read from the raw stream up to {@link #MAX_ANSWER_BYTES} (past it the connection is
 * dropped and the answer counts as unusable).
 * <p>
 * Why not the JDK's {@code java.net.http.HttpClient}: for one small keep-alive POST per task it takes
 * a sizeable share of the process's CPU samples under bench/run.sh's load, in its selector thread and the hand-offs between
 * it and the waiting worker. The classic client runs on the worker thread itself, on a pool of kept-alive connections as large as
 * the worker concurrency. Its sockets come from {@link SocketChannel}s so that an interrupt (shutdown past its grace
 * period) closes a socket a worker is blocked on, as the JDK client's cancellation does.
 */
public class EnrollmentClient implements Service {

    /** enrolled | rejected | unavailable (see {@link EnrollmentAnswer}). */
    public static final String OUTCOME_HEADER = "enrollflowEnrollment";
    /** The answer's message, for the exception the router throws. */
    public static final String MESSAGE_HEADER = "enrollflowEnrollmentMessage";

    private static final Logger LOG = LogManager.getLogger(EnrollmentClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The largest enrollment answer held: far beyond any real one (a refusal with a long message is a few KiB). */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;
    /** Set (true) when the answer's body went past {@link #MAX_ANSWER_BYTES}: what was kept is only its start. */
    static final String BODY_CUT_HEADER = "enrollflowEnrollmentBodyCut";
    /** docs/contract.md §4's Content-Type, as it is written there: JSON is UTF-8 by definition, no charset parameter. */
    private static final ContentType JSON_BODY = ContentType.create("application/json");
    /**
     * A kept-alive connection idle longer than this is checked (a 1 ms read) before it is used again: the server may
     * have closed it meanwhile, and a POST on a dead connection would cost the task an attempt. Under load connections
     * are reused well within it, so the check is rare.
     */
    private static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(1);

    private final URI url;
    private final HttpHost target;
    /** "Bearer <token>", or null when no token is set (then no Authorization header at all). */
    private final String authorization;
    private final Duration timeout;
    private final Pattern alreadyEnrolled;
    private final StatusStore status;
    private final CloseableHttpClient http;
    /** Aborts each call whose deadline passes; one thread for all calls, idle in between. */
    private final ScheduledThreadPoolExecutor deadlines;

    /**
     * @param connections how many calls may be made at once ({@code enrollflow.worker.concurrency}): the size of the
     *                    pool of kept-alive connections, so no worker waits for one
     */
    public EnrollmentClient(URI url, String token, Duration timeout, Pattern alreadyEnrolled, StatusStore status,
                            int connections) {
        this.url = url;
        this.target = HttpHost.create(url);
        this.authorization = token.isEmpty() ? null : "Bearer " + token;
        this.timeout = timeout;
        this.alreadyEnrolled = alreadyEnrolled;
        this.status = status;
        Timeout bound = Timeout.of(timeout);
        this.http = HttpClients.custom()
                .setConnectionManager(new InterruptibleSockets()
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        // the connect and each read are bounded by the timeout too: only a backstop, the deadline
                        // below bounds them all together
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(bound)
                                .setSocketTimeout(bound).setValidateAfterInactivity(CHECK_AFTER_IDLE).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(bound)
                        .setResponseTimeout(bound).build())
                // a 3xx is an answer to classify, and the token must not travel elsewhere
                .disableRedirectHandling()
                // enrollflow's own retry schedule decides what is tried again (error-handling.camel.yaml)
                .disableAutomaticRetries()
                // one small JSON answer: no compression to negotiate, no cookies to keep
                .disableContentCompression()
                .disableCookieManagement()
                // the token is a header of each request, not the client's: no auth state to cache, and no user
                // identity to pin kept-alive connections to
                .disableAuthCaching()
                .disableConnectionState()
                .build();
        this.deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "enrollment-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // a call that ends in time cancels its abort, which then leaves the queue at once rather than at its time
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * Replaces the message with the enrollment request's body: {"urls":[courseUrl],"email":email}.
     */
    public void prepareRequest(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        boolean straightAfterClaim = run.stage() == Stage.INTAKE;
        run.stage(Stage.ENROLL);
        // a stage boundary: a run whose task was taken over does not call the API (the call writes nothing to fence).
        // Straight after the claim no Redis read is needed: claim.lua confirmed the claim under this instance's epoch
        // a moment ago, and while the lease holds, that epoch's heartbeat never lapsed, so no other instance could
        // take the task (StatusStore.ensureLeaseHeld). Enrolling again after a download, the claim is read.
        if (straightAfterClaim) {
            status.ensureLeaseHeld(run);
        } else {
            status.ensureClaimed(run);
        }
        Task task = run.task();
        ObjectNode body = JSON.createObjectNode();
        body.putArray("urls").add(task.courseUrl());
        body.put("email", task.email());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(body.toString());
        Event.debug(LOG).task(task.taskId()).stage("enroll").outcome("calling").email(task.email()).log();
    }

    /**
     * POSTs the prepared request and leaves the answer's status in {@link Exchange#HTTP_RESPONSE_CODE} and its body
     * (at most {@link #MAX_ANSWER_BYTES}) as the message body. Runs on the calling (worker) thread.
     *
     * @throws EnrollmentUnavailableException no whole answer within the timeout (transient: retried)
     * @throws IOException                    refused, reset, unreachable (transient: retried)
     * @throws InterruptedException           the worker is stopping: the call was abandoned, its connection closed
     */
    public void call(Exchange exchange) throws IOException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("stopping: the enrollment API was not called");
        }
        Message message = exchange.getMessage();
        HttpPost request = new HttpPost(url);
        request.setEntity(new ByteArrayEntity(message.getBody(String.class).getBytes(StandardCharsets.UTF_8), JSON_BODY));
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        // when the deadline passes, cancel() closes the connection under whatever the call waits for (a pooled
        // connection, the connect, the status line, the headers, the body); once the answer is whole it finds nothing
        // left to close (the connection went back to the pool), and it is cancelled itself below
        ScheduledFuture<?> deadline = deadlines.schedule(request::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        int code;
        byte[] kept;
        boolean cut;
        try {
            ClassicHttpResponse response = http.executeOpen(target, request, null);
            code = response.getCode();
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                kept = new byte[0];
                cut = false;
            } else {
                InputStream body = entity.getContent();
                kept = body.readNBytes(MAX_ANSWER_BYTES);
                cut = kept.length == MAX_ANSWER_BYTES && body.read() != -1;
            }
            if (cut) {
                // closing the response would read the rest to keep the connection: drop the connection instead
                request.cancel();
            } else {
                response.close(); // the body was read to its end: its connection is back in the pool already
            }
        } catch (IOException e) {
            if (Thread.interrupted()) {
                // an interrupt closed the socket under a read or the connect (InterruptibleSockets): shutdown
                InterruptedException stopping = new InterruptedException("stopping: the enrollment call was abandoned");
                stopping.initCause(e);
                throw stopping;
            }
            if (request.isCancelled()) {
                throw new EnrollmentUnavailableException("no whole answer from the enrollment API within " + timeout);
            }
            throw e; // refused, reset, timed out connecting: transient (error-handling.camel.yaml)
        } finally {
            deadline.cancel(false);
        }
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        message.setHeader(BODY_CUT_HEADER, cut);
        message.setBody(new String(kept, StandardCharsets.UTF_8));
    }

    /** Classifies the answer (status code and body) into the outcome and message headers; drops the HTTP headers. */
    public void classify(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        Message message = exchange.getMessage();
        Integer code = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = message.getBody(String.class);
        boolean cut = Boolean.TRUE.equals(message.getHeader(BODY_CUT_HEADER, Boolean.class));
        EnrollmentAnswer answer = cut && code != null && code >= 200 && code < 300
                ? new EnrollmentAnswer(EnrollmentAnswer.UNAVAILABLE, "HTTP " + code + " with an answer over "
                        + MAX_ANSWER_BYTES / 1024 + " KiB (not read further)")
                : EnrollmentAnswer.classify(code == null ? 0 : code, body, alreadyEnrolled);
        message.removeHeaders("*");
        message.setBody(null);
        message.setHeader(OUTCOME_HEADER, answer.outcome());
        message.setHeader(MESSAGE_HEADER, answer.message());
        Event.info(LOG).task(run.taskId()).stage("enroll").outcome(answer.outcome()).kv("http_status", code)
                .kv("message", answer.message()).log();
    }

    /** The router's "enrolled" branch: record it. */
    public void recordEnrolled(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        status.holdEnrolled(run, exchange.getMessage().getHeader(MESSAGE_HEADER, "enrolled", String.class));
    }

    /** Nothing to start: connections are made by the first calls. */
    @Override
    public void start() {
        // the pool and the timer were made by the constructor; a connection is opened when a call needs one
    }

    /** Closes the kept-alive connections and the deadline timer (the runtime stops this after the routes). */
    @Override
    public void stop() {
        http.close(CloseMode.GRACEFUL);
        deadlines.shutdownNow();
    }

    /**
     * The connection pool's builder, with sockets made from {@link SocketChannel}s: an interrupt of the thread blocked
     * on one (the consumer's shutdown, past its grace period) closes it and ends the connect or read at once, where a
     * plain {@link Socket} would hold the worker until the deadline. Everything else is the builder's default.
     */
    private static final class InterruptibleSockets extends PoolingHttpClientConnectionManagerBuilder {

        @Override
        protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver ports, DnsResolver dns,
                                                                        TlsSocketStrategy tls) {
            return new DefaultHttpClientConnectionOperator(
                    proxy -> proxy == null ? SocketChannel.open().socket() : new Socket(proxy), ports, dns,
                    RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
        }
    }
}

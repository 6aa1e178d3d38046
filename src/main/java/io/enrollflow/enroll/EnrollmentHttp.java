package io.enrollflow.enroll;

import io.enrollflow.task.TaskRun;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The enrollment call on the wire, for {@link EnrollmentClient}: one POST within one deadline, the answer's status
 * and (bounded) body back, with the fleet's rate slot taken once the connection is ready ({@link SlotAtTheWire}).
 * Lifecycle: made with the client, {@link #close()}d when the context stops.
 * <p>
 * Why the call is made here with Apache HttpClient 5's classic API rather than by a camel-http endpoint (the same
 * library underneath): docs/contract.md §10 wants the whole answer within {@code enrollflow.enroll.timeout} however
 * slowly its bytes trickle, and at most a bounded size held. camel-http only bounds each read, so a server sending a
 * byte a second holds a worker for ever, and it reads the whole body into memory. Here one deadline covers connecting,
 * the status line, the headers and the body: a timer aborts the request when it passes (the connection is closed under
 * the read), and the body is read from the raw stream up to {@link EnrollmentClient#MAX_ANSWER_BYTES} (past it the
 * connection is dropped and the answer counts as unusable).
 * <p>
 * Why not the JDK's {@code java.net.http.HttpClient}: for one small keep-alive POST per task it takes a sizeable share
 * of the process's CPU samples under bench/run.sh's load, in its selector thread and the hand-offs between it and the
 * waiting worker. The classic client runs on the worker thread itself, on a pool of kept-alive connections as large as
 * the worker concurrency. Its sockets come from {@link SocketChannel}s so that an interrupt (shutdown past its grace
 * period) closes a socket a worker is blocked on, as the JDK client's cancellation does.
 */
final class EnrollmentHttp {

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
    private final RateSlots slots;
    private final CloseableHttpClient http;
    /** Aborts each call whose deadline passes; one thread for all calls, idle in between. */
    private final ScheduledThreadPoolExecutor deadlines;

    /** See {@link EnrollmentClient#EnrollmentClient}. */
    EnrollmentHttp(URI url, String token, Duration timeout, int connections, RateSlots slots) {
        this.url = url;
        this.target = HttpHost.create(url);
        this.authorization = token.isEmpty() ? null : "Bearer " + token;
        this.timeout = timeout;
        this.slots = slots;
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
                // the rate slot is taken with the connection in hand, right before the request is written
                .addExecInterceptorAfter(ChainElement.CONNECT.name(), SlotAtTheWire.NAME, new SlotAtTheWire(slots))
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
     * Sends the body and reads the answer. Under the fleet's rate each try leases a connection and takes a slot;
     * without one it sends nothing, gives the connection back and waits (or the task is held back) before the next.
     *
     * @param run the task calling, for the rate's wait message; null outside a task
     */
    Answer post(TaskRun run, byte[] body) throws IOException, InterruptedException {
        Answer[] answer = new Answer[1];
        try {
            slots.await(run, () -> {
                try {
                    answer[0] = send(body);
                    return 0;
                } catch (SlotAtTheWire.SlotRefused refused) {
                    return refused.waitMillis();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    throw new Stopping(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (Stopping e) {
            throw e.stop;
        }
        return answer[0];
    }

    /** One try of the call, within one deadline; {@link SlotAtTheWire.SlotRefused} when it was not sent. */
    private Answer send(byte[] body) throws IOException, InterruptedException {
        HttpPost request = new HttpPost(url);
        request.setEntity(new ByteArrayEntity(body, JSON_BODY));
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        // when the deadline passes, cancel() closes the connection under whatever the call waits for (a pooled
        // connection, the connect, the status line, the headers, the body); once the answer is whole it finds nothing
        // left to close (the connection went back to the pool), and it is cancelled itself below
        ScheduledFuture<?> deadline = deadlines.schedule(request::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ClassicHttpResponse response = http.executeOpen(target, request, null);
            int code = response.getCode();
            HttpEntity entity = response.getEntity();
            byte[] kept = new byte[0];
            boolean cut = false;
            if (entity != null) {
                InputStream in = entity.getContent();
                kept = in.readNBytes(EnrollmentClient.MAX_ANSWER_BYTES);
                cut = kept.length == EnrollmentClient.MAX_ANSWER_BYTES && in.read() != -1;
            }
            if (cut) {
                // closing the response would read the rest to keep the connection: drop the connection instead
                request.cancel();
            } else {
                response.close(); // the body was read to its end: its connection is back in the pool already
            }
            return new Answer(code, kept, cut);
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
        } catch (IllegalStateException e) {
            if (request.isCancelled()) {
                // the deadline released the connection between two steps of HttpClient's chain (after the slot,
                // before the write), where HttpClient finds no connection rather than a closed one: a timeout still
                throw new EnrollmentUnavailableException("no whole answer from the enrollment API within " + timeout);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /** Closes the kept-alive connections and the deadline timer. */
    void close() {
        http.close(CloseMode.GRACEFUL);
        deadlines.shutdownNow();
    }

    /** What one call brought back: the status, the body kept, and whether the body went on past it. */
    record Answer(int code, byte[] kept, boolean cut) {
    }

    /** Carries a worker's stop out of a try the rate's wait runs. */
    private static final class Stopping extends RuntimeException {

        private final InterruptedException stop;

        Stopping(InterruptedException stop) {
            super(stop.getMessage(), stop, false, false);
            this.stop = stop;
        }
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

package io.enrollflow.enroll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.Masking;
import io.enrollflow.task.Stage;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The Java half of routes/enroll.camel.yaml: builds the request, makes the call ({@link #call}), and turns the answer
 * into the header {@link #OUTCOME_HEADER} that the route's content-based router reads.
 * <p>
 * Why the call is made here with the JDK's {@link HttpClient} rather than by a camel-http endpoint: CONTRACT §10 wants
 * the whole answer within {@code enrollflow.enroll.timeout} however slowly its bytes trickle, and at most a bounded
 * size held. Apache HttpClient (under camel-http) only bounds each read, so a server sending a byte a second held a
 * worker for ever, and it read the whole body into memory. Here the status line and headers, then the body, share one
 * deadline ({@link CompletableFuture#get(long, TimeUnit)}, the exchange cancelled when it passes), and the body is kept
 * up to {@link #MAX_ANSWER_BYTES} (past it the connection is dropped and the answer counts as unusable).
 */
public class EnrollmentClient {

    /** enrolled | rejected | unavailable (see {@link EnrollmentAnswer}). */
    public static final String OUTCOME_HEADER = "enrollflowEnrollment";
    /** The answer's message, for the exception the router throws. */
    public static final String MESSAGE_HEADER = "enrollflowEnrollmentMessage";

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The largest enrollment answer held: far beyond any real one (a refusal with a long message is a few KiB). */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;
    /** The HTTP status a body over {@link #MAX_ANSWER_BYTES} is reported with (the real one rides along). */
    private static final String BODY_CUT_HEADER = "enrollflowEnrollmentBodyCut";

    private final URI url;
    private final String token;
    private final Duration timeout;
    private final Pattern alreadyEnrolled;
    private final StatusStore status;
    private final HttpClient http;

    public EnrollmentClient(URI url, String token, Duration timeout, Pattern alreadyEnrolled, StatusStore status) {
        this.url = url;
        this.token = token;
        this.timeout = timeout;
        this.alreadyEnrolled = alreadyEnrolled;
        this.status = status;
        // redirects are not followed: a 3xx is an answer to classify, and the token must not travel elsewhere
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
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
        LOG.debug("task={} stage=enroll outcome=calling email={}", task.taskId(), Masking.email(task.email()));
    }

    /**
     * POSTs the prepared request and leaves the answer's status in {@link Exchange#HTTP_RESPONSE_CODE} and its body
     * (at most {@link #MAX_ANSWER_BYTES}) as the message body.
     *
     * @throws EnrollmentUnavailableException no whole answer within the timeout (transient: retried)
     * @throws IOException                    refused, reset, unreachable (transient: retried)
     */
    public void call(Exchange exchange) throws IOException, InterruptedException {
        Message message = exchange.getMessage();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(message.getBody(String.class), StandardCharsets.UTF_8));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        CompletableFuture<HttpResponse<CappedBody.Body>> pending =
                http.sendAsync(request.build(), info -> new CappedBody(MAX_ANSWER_BYTES));
        HttpResponse<CappedBody.Body> response;
        try {
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            pending.cancel(true); // drops the connection: nothing more is read from it
            throw new EnrollmentUnavailableException("no whole answer from the enrollment API within " + timeout);
        } catch (InterruptedException stopping) {
            pending.cancel(true);
            throw stopping;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException io) {
                throw io; // refused, reset, timed out connecting: transient (error-handling.camel.yaml)
            }
            throw new EnrollmentUnavailableException("the enrollment call failed: " + cause);
        }
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, response.statusCode());
        message.setHeader(BODY_CUT_HEADER, response.body().cut());
        message.setBody(new String(response.body().bytes(), StandardCharsets.UTF_8));
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
        LOG.info("task={} stage=enroll outcome={} http_status={} message=\"{}\"",
                run.taskId(), answer.outcome(), code, Masking.emailsIn(answer.message()));
    }

    /** The router's "enrolled" branch: record it. */
    public void recordEnrolled(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        status.holdEnrolled(run, exchange.getMessage().getHeader(MESSAGE_HEADER, "enrolled", String.class));
    }
}

package io.enrollflow.enroll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusStore;
import io.enrollflow.task.Stage;
import io.enrollflow.task.Task;
import io.enrollflow.task.TaskRun;
import io.enrollflow.util.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Service;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The Java half of routes/enroll.camel.yaml: builds the request, makes the call ({@link #call}), and turns the answer
 * into the header {@link #OUTCOME_HEADER} that the route's content-based router reads. The call itself, and why it
 * is made with Apache HttpClient 5 rather than camel-http or the JDK's client: {@link EnrollmentHttp}.
 */
public class EnrollmentClient implements Service {

    /** enrolled | rejected | unavailable (see {@link EnrollmentAnswer}). */
    public static final String OUTCOME_HEADER = "enrollflowEnrollment";
    /** The answer's message, for the exception the router throws. */
    public static final String MESSAGE_HEADER = "enrollflowEnrollmentMessage";

    private static final Logger LOG = LogManager.getLogger(EnrollmentClient.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    /** The largest enrollment answer held: far beyond any real one (a refusal with a long message is a few KiB). */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;
    /** Set (true) when the answer's body went past {@link #MAX_ANSWER_BYTES}: what was kept is only its start. */
    static final String BODY_CUT_HEADER = "enrollflowEnrollmentBodyCut";

    private final Pattern alreadyEnrolled;
    private final StatusStore status;
    private final EnrollmentHttp http;

    /**
     * @param timeout     the whole call's bound ({@code enrollflow.enroll.timeout}): connecting, the request and the
     *                    whole answer
     * @param connections how many calls may be made at once ({@code enrollflow.worker.concurrency}): the size of the
     *                    pool of kept-alive connections, so no worker waits for one
     * @param slots       the fleet's enrollment rate, taken by each call once its connection is ready
     */
    public EnrollmentClient(URI url, String token, Duration timeout, Pattern alreadyEnrolled, StatusStore status,
                            int connections, RateSlots slots) {
        this.alreadyEnrolled = alreadyEnrolled;
        this.status = status;
        this.http = new EnrollmentHttp(url, token, timeout, connections, slots);
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
        message.setBody(Json.write(body));
        Event.debug(LOG).task(task.taskId()).stage("enroll").outcome("calling").email(task.email()).log();
    }

    /**
     * POSTs the prepared request and leaves the answer's status in {@link Exchange#HTTP_RESPONSE_CODE} and its body
     * (at most {@link #MAX_ANSWER_BYTES}) as the message body. Runs on the calling (worker) thread. Under the fleet's
     * rate each try leases a connection and takes a slot; without one it sends nothing, gives the connection back and
     * waits (or the task is held back) before the next try.
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
        EnrollmentHttp.Answer answer = http.post(exchange.getProperty(TaskRun.PROPERTY, TaskRun.class),
                message.getBody(String.class).getBytes(StandardCharsets.UTF_8));
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.code());
        message.setHeader(BODY_CUT_HEADER, answer.cut());
        message.setBody(new String(answer.kept(), StandardCharsets.UTF_8));
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
        http.close();
    }
}

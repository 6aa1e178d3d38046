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

import java.util.regex.Pattern;

/**
 * The Java half of routes/enroll.camel.yaml: builds the request the {@code http} endpoint sends, and turns the
 * answer into the header {@link #OUTCOME_HEADER} that the route's content-based router reads.
 */
public class EnrollmentClient {

    /** enrolled | rejected | unavailable (see {@link EnrollmentAnswer}). */
    public static final String OUTCOME_HEADER = "enrollflowEnrollment";
    /** The answer's message, for the exception the router throws. */
    public static final String MESSAGE_HEADER = "enrollflowEnrollmentMessage";

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final Pattern alreadyEnrolled;
    private final StatusStore status;

    public EnrollmentClient(String token, Pattern alreadyEnrolled, StatusStore status) {
        this.token = token;
        this.alreadyEnrolled = alreadyEnrolled;
        this.status = status;
    }

    /**
     * Replaces the message with the enrollment request: {"urls":[courseUrl],"email":email}. Every header goes first,
     * because camel-http sends each Camel header as an HTTP header.
     */
    public void prepareRequest(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        run.stage(Stage.ENROLL);
        // a stage boundary: a run whose task was taken over does not call the API (the call writes nothing to fence)
        status.ensureClaimed(run);
        Task task = run.task();
        ObjectNode body = JSON.createObjectNode();
        body.putArray("urls").add(task.courseUrl());
        body.put("email", task.email());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (!token.isEmpty()) {
            message.setHeader("Authorization", "Bearer " + token);
        }
        message.setBody(body.toString());
        LOG.debug("task={} stage=enroll outcome=calling email={}", task.taskId(), Masking.email(task.email()));
    }

    /** Classifies the answer (status code and body) into the outcome and message headers; drops the HTTP headers. */
    public void classify(Exchange exchange) {
        TaskRun run = exchange.getProperty(TaskRun.PROPERTY, TaskRun.class);
        Message message = exchange.getMessage();
        Integer code = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = message.getBody(String.class);
        EnrollmentAnswer answer = EnrollmentAnswer.classify(code == null ? 0 : code, body, alreadyEnrolled);
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
        status.enrolled(run, exchange.getMessage().getHeader(MESSAGE_HEADER, "enrolled", String.class));
    }
}

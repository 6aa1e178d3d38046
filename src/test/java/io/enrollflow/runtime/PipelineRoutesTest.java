package io.enrollflow.runtime;

import io.enrollflow.config.Settings;
import io.enrollflow.download.DownloadFailedException;
import io.enrollflow.enroll.EnrollmentClient;
import io.enrollflow.enroll.RateSlots;
import io.enrollflow.limit.Limit;
import io.enrollflow.limit.LimitReachedException;
import io.enrollflow.pipeline.TaskIntake;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The project's own routes/*.yaml (pipeline, enroll, download, deliver, error-handling), loaded as the runtime loads
 * them, with the enrollment call advised to give a chosen answer (the real classification reads it) and the other steps
 * as recording stand-ins: the router's three ways out, the not-enrolled branch of the download, and which failures
 * error-handling sends to a retry, to the dead letters, or back to wait for a fleet limit. No Redis, no jar.
 */
class PipelineRoutesTest extends CamelTestSupport {

    /** The route configurations first: the context is already built, so each route is made as soon as it is loaded. */
    private static final List<String> FILES = List.of("error-handling", "pipeline", "enroll", "download", "deliver");

    /** Every step the stand-ins were asked to do, in order, e.g. {@code download.download}. */
    private final List<String> steps = new CopyOnWriteArrayList<>();
    /** What the stand-in download says, one answer per call (then "ok"). */
    private final List<String> downloadAnswers = new CopyOnWriteArrayList<>();
    /** What the advised enrollment call answers: HTTP status and body. */
    private volatile int answerStatus = 200;
    private volatile String answerBody = "{\"results\":[{\"success\":true,\"message\":\"enrolled\"}]}";
    private volatile RuntimeException callFailure;
    private volatile RuntimeException downloadFailure;
    private volatile Exception decided;
    private volatile boolean enrolledEarlier;

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true).withJMX(false);
    }

    @Override
    public void configureContext(CamelContextConfiguration context) {
        super.configureContext(context);
        context.withUseOverridePropertiesWithPropertiesComponent(
                EnrollflowRuntime.routeProperties(Settings.load(null, Map.of()).with(Map.of("enrollflow.delivery.target", "folder"))));
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("claimTask", (Processor) exchange -> {
            TaskRun run = new TaskRun("{}", "processing");
            run.taskId("T-1");
            exchange.setProperty(TaskRun.PROPERTY, run);
            exchange.setProperty(TaskIntake.TASK_ID_PROPERTY, "T-1");
            exchange.setProperty(TaskIntake.CLAIMED_PROPERTY, true);
            exchange.setProperty(TaskIntake.ENROLLED_EARLIER_PROPERTY, enrolledEarlier);
            steps.add("taskIntake.claim");
        });
        // the real classification of the (advised) call's answer
        EnrollmentClient enrollment = new EnrollmentClient(URI.create("http://127.0.0.1:9/enroll"), "", Duration.ofSeconds(1),
                Pattern.compile("already enrolled"), null, 1, RateSlots.NONE);
        registry.bind("prepareEnrollment", (Processor) exchange -> steps.add("enrollment.prepareRequest"));
        registry.bind("callEnrollment", (Processor) exchange -> {
            throw new AssertionError("the call is advised away (doPostSetup)");
        });
        registry.bind("classifyEnrollment", (Processor) enrollment::classify);
        registry.bind("recordEnrolled", (Processor) exchange -> steps.add("enrollment.recordEnrolled"));
        registry.bind("runDownload", (Processor) exchange -> {
            steps.add("download.download");
            if (downloadFailure != null) {
                throw downloadFailure;
            }
            exchange.getMessage().setHeader("enrollflowDownload", downloadAnswers.isEmpty() ? "ok" : downloadAnswers.remove(0));
        });
        registry.bind("downloadAfterReEnroll", (Processor) exchange -> steps.add("download.downloadAfterReEnroll"));
        registry.bind("startDelivery", (Processor) exchange -> steps.add("delivery.start"));
        registry.bind("completeDelivery", (Processor) exchange -> steps.add("delivery.complete"));
        registry.bind("deliverToFolder", (Processor) exchange -> steps.add("folderDelivery.deliver"));
        registry.bind("retryOrDeadLetter", (Processor) exchange -> {
            steps.add("failures.retryOrDeadLetter");
            decided = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        });
        registry.bind("deadLetterTask", (Processor) exchange -> {
            steps.add("failures.deadLetter");
            decided = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        });
        registry.bind("holdBackTask", (Processor) exchange -> {
            steps.add("holdBack.holdBack");
            decided = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        });
    }

    @Override
    protected void doPostSetup() throws Exception {
        for (String name : FILES) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context,
                    "file:" + Path.of("routes", name + ".camel.yaml").toAbsolutePath()));
        }
        // the queue is Redis; the task comes in on direct:task instead
        AdviceWith.adviceWith(context, "pipeline", route -> route.replaceFromWith("direct:task"));
        // the enrollment API's answer, as the real call would leave it for the real classification
        AdviceWith.adviceWith(context, "enroll", route -> route.weaveById("enrollment-call").replace().process(exchange -> {
            steps.add("enrollment.call");
            if (callFailure != null) {
                throw callFailure;
            }
            exchange.getMessage().removeHeaders("*");
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answerStatus);
            exchange.getMessage().setBody(answerBody);
        }));
        context.start();
    }

    private void runTask() {
        Exchange done = template.send("direct:task", exchange -> exchange.getMessage().setBody("{}"));
        if (done.getException() != null) {
            throw new AssertionError("the pipeline let a failure through undecided; steps " + steps, done.getException());
        }
    }

    @Test
    void anEnrolledBuyerGoesOnToDownloadAndDeliver() {
        runTask();

        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call",
                "enrollment.recordEnrolled", "download.download", "delivery.start", "folderDelivery.deliver",
                "delivery.complete"), steps);
        assertNull(decided);
    }

    @Test
    void aTaskEnrolledOnAnEarlierAttemptSkipsTheEnrollmentCall() {
        enrolledEarlier = true;

        runTask();

        assertEquals(List.of("taskIntake.claim", "download.download", "delivery.start", "folderDelivery.deliver",
                "delivery.complete"), steps);
    }

    @Test
    void aRejectedEnrollmentIsDeadLetteredWithoutDownloading() {
        answerBody = "{\"results\":[{\"success\":false,\"message\":\"course not found\"}]}";

        runTask();

        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call",
                "failures.deadLetter"), steps);
        assertInstanceOf(io.enrollflow.enroll.EnrollmentRejectedException.class, decided);
        assertEquals("course not found", decided.getMessage());
    }

    @Test
    void anUnavailableEnrollmentApiIsRetriedLaterWithoutDownloading() {
        answerStatus = 503;
        answerBody = "down for maintenance";

        runTask();

        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call",
                "failures.retryOrDeadLetter"), steps);
        assertInstanceOf(io.enrollflow.enroll.EnrollmentUnavailableException.class, decided);
    }

    @Test
    void aDownloadThatSaysNotEnrolledEnrollsAgainAndDownloadsOnceMore() {
        downloadAnswers.add("not_enrolled");

        runTask();

        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call",
                "enrollment.recordEnrolled", "download.download", "enrollment.prepareRequest",
                "enrollment.call", "enrollment.recordEnrolled", "download.downloadAfterReEnroll", "delivery.start",
                "folderDelivery.deliver", "delivery.complete"), steps);
    }

    @Test
    void aFailedDownloadIsATransientFailureRetriedLater() {
        downloadFailure = new DownloadFailedException("the download command ended with exit code 1");

        runTask();

        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call",
                "enrollment.recordEnrolled", "download.download", "failures.retryOrDeadLetter"), steps);
        assertInstanceOf(DownloadFailedException.class, decided);
    }

    @Test
    void anIoErrorAnywhereInTheCauseIsRetriedAndAnyOtherErrorIsDeadLetteredAtOnce() {
        callFailure = new java.io.UncheckedIOException(new java.io.IOException("connection reset"));
        runTask();
        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call",
                "failures.retryOrDeadLetter"), steps);

        steps.clear();
        callFailure = new IllegalStateException("a bug");
        runTask();
        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call", "failures.deadLetter"), steps);
        assertInstanceOf(IllegalStateException.class, decided);
    }

    @Test
    void aFleetLimitHoldsTheTaskBackWithoutARetryOrDeadLetter() {
        callFailure = new LimitReachedException(Limit.ENROLL_RATE, "the fleet's enrollment rate", Duration.ofSeconds(30));

        runTask();

        assertEquals(List.of("taskIntake.claim", "enrollment.prepareRequest", "enrollment.call", "holdBack.holdBack"), steps);
        assertInstanceOf(LimitReachedException.class, decided);
    }
}

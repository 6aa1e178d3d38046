package io.enrollflow.enroll;

import io.enrollflow.task.TaskRun;
import io.enrollflow.testing.EnrollmentApiStub;
import io.enrollflow.testing.EnrollmentApiStub.Answer;
import io.enrollflow.testing.EnrollmentApiStub.Request;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EnrollmentClient#call} on its own against real servers on 127.0.0.1, for what the pipeline tests cannot see:
 * which connection each call used (the stub records the caller's port) and how an interrupt ends a call. The
 * contract's view (outcomes, timeouts, trickling answers, refused connections) is in {@link EnrollmentIT} and
 * {@link EnrollmentTimeoutsIT}.
 */
class EnrollmentClientIT {

    private static final String COURSE = "https://courses.example.com/course/java-101/";
    private static final Pattern ALREADY_ENROLLED = Pattern.compile("(?i)already enrolled");

    @RegisterExtension
    final EnrollmentApiStub api = new EnrollmentApiStub();

    private final CamelContext camel = new DefaultCamelContext();
    private EnrollmentClient client;

    @AfterEach
    void stopClient() {
        if (client != null) {
            client.stop();
        }
    }

    @Test
    void aTryRefusedItsRateSlotSendsNothingAndKeepsItsConnectionForTheNextTry() throws Exception {
        ScriptedSlots slots = new ScriptedSlots(2, 3);
        client = new EnrollmentClient(URI.create(api.url()), "", Duration.ofSeconds(30), ALREADY_ENROLLED, null, 1, slots);

        call();
        Exchange second = call();

        assertEquals(200, second.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(List.of(0, 1, 1, 1), slots.requestsSeen, "a slot asked for per try; the refused tries sent nothing");
        List<Integer> ports = api.requests().stream().map(Request::clientPort).toList();
        assertEquals(List.of(ports.get(0), ports.get(0)), ports, "the connection went back to the pool, open");
    }

    @Test
    void aCallWaitingForThePooledConnectionTakesItsSlotOnlyOnceItHoldsIt() throws Exception {
        String slow = "https://courses.example.com/course/slow/";
        api.answer(slow, Answer.success().after(Duration.ofMillis(700)));
        ScriptedSlots slots = new ScriptedSlots();
        client = new EnrollmentClient(URI.create(api.url()), "", Duration.ofSeconds(30), ALREADY_ENROLLED, null, 1, slots);
        AtomicReference<Throwable> first = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            try {
                call(slow);
            } catch (Throwable e) {
                first.set(e);
            }
        });
        holder.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.requests().size() == 1);
        long heldFrom = api.arrivalNanos().get(0);

        call();
        holder.join();

        assertEquals(null, first.get());
        assertEquals(2, slots.askedAt.size());
        // the stub held the only connection 700 ms before answering: a slot taken before the lease would be earlier
        assertTrue(slots.askedAt.get(1) - heldFrom >= 700_000_000L, "the second call took its slot "
                + (slots.askedAt.get(1) - heldFrom) / 1_000_000 + " ms after the first reached the API");
    }

    @Test
    void aDeadlineThatPassesWhileTheSlotIsTakenEndsTheCallAsATimeoutAndSendsNothing() {
        RateSlots slow = new RateSlots() {
            @Override
            public long take() {
                try {
                    Thread.sleep(600); // a Redis that answers late
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return 0;
            }

            @Override
            public void await(TaskRun run, LongSupplier attempt) {
                attempt.getAsLong();
            }
        };
        client = new EnrollmentClient(URI.create(api.url()), "", Duration.ofMillis(200), ALREADY_ENROLLED, null, 1, slow);

        EnrollmentUnavailableException e = assertThrows(EnrollmentUnavailableException.class, this::call);

        assertTrue(e.getMessage().startsWith("no whole answer from the enrollment API within"), e.getMessage());
        assertEquals(0, api.requests().size(), "nothing was sent once the deadline had passed");
    }

    @Test
    void consecutiveCallsShareOneKeptAliveConnection() throws Exception {
        client = new EnrollmentClient(URI.create(api.url()), "", Duration.ofSeconds(30), ALREADY_ENROLLED, null, 4,
                RateSlots.NONE);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, call().getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        }

        List<Integer> ports = api.requests().stream().map(Request::clientPort).toList();
        assertEquals(3, ports.size());
        assertEquals(List.of(ports.get(0), ports.get(0), ports.get(0)), ports, "one connection for all three calls");
    }

    @Test
    void anAnswerOverTheCapIsCutAndItsConnectionDroppedRatherThanPooled() throws Exception {
        client = new EnrollmentClient(URI.create(api.url()), "", Duration.ofSeconds(30), ALREADY_ENROLLED, null, 4,
                RateSlots.NONE);
        String huge = "x".repeat(EnrollmentClient.MAX_ANSWER_BYTES + 100_000);
        api.answer(COURSE, Answer.success(), Answer.status(200, huge), Answer.success());

        call();
        Exchange cut = call();
        call();
        call();

        assertEquals(Boolean.TRUE, cut.getMessage().getHeader(EnrollmentClient.BODY_CUT_HEADER));
        assertEquals(EnrollmentClient.MAX_ANSWER_BYTES, cut.getMessage().getBody(String.class).length());
        List<Integer> ports = api.requests().stream().map(Request::clientPort).toList();
        assertEquals(ports.get(0), ports.get(1), "the huge answer came over the kept-alive connection: " + ports);
        assertNotEquals(ports.get(1), ports.get(2), "the call after it needed a new connection: " + ports);
        assertEquals(ports.get(2), ports.get(3), "which was kept alive in turn: " + ports);
    }

    @Test
    void aRedirectIsAnAnswerNotFollowedSoTheTokenGoesNowhereElse() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            client = new EnrollmentClient(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/v1/enroll"),
                    "s3cr3t-t0ken", Duration.ofSeconds(30), ALREADY_ENROLLED, null, 1, RateSlots.NONE);
            Thread redirector = new Thread(() -> {
                try (Socket accepted = server.accept()) {
                    accepted.getInputStream().read(new byte[65536]);
                    // 307 keeps the method and the body: a client following it would POST the task, and the token
                    accepted.getOutputStream().write(("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + api.url()
                            + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    accepted.getOutputStream().flush();
                    accepted.getInputStream().read(); // until the client hangs up
                } catch (IOException gone) {
                    // the client hung up (or the test ended): nothing more to answer
                }
            }, "redirector");
            redirector.setDaemon(true);
            redirector.start();

            Exchange answer = call();

            assertEquals(307, answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
            assertEquals(List.of(), api.requests(), "the redirect's target was not called");
        }
    }

    @Test
    void anInterruptAbandonsACallWaitingForItsAnswerAndClosesItsConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // a timeout far beyond the test's patience: only the interrupt can end this call in time
            client = new EnrollmentClient(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/v1/enroll"),
                    "", Duration.ofMinutes(10), ALREADY_ENROLLED, null, 1, RateSlots.NONE);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    call();
                    outcome.set(new AssertionError("the call returned an answer nobody sent"));
                } catch (Throwable ended) {
                    outcome.set(ended);
                }
            }, "enrollment-worker");
            worker.setDaemon(true);
            worker.start();
            try (Socket accepted = server.accept()) {
                // the request arrived: the call waits for the status line, which never comes
                assertTrue(accepted.getInputStream().read(new byte[65536]) > 0);

                worker.interrupt();

                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> outcome.get() != null);
                assertInstanceOf(InterruptedException.class, outcome.get());
                assertTrue(closedByPeer(accepted), "the client closed the connection");
            }
        }
    }

    private Exchange call() throws IOException, InterruptedException {
        return call(COURSE);
    }

    private Exchange call(String course) throws IOException, InterruptedException {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"urls\":[\"" + course + "\"],\"email\":\"ann@example.org\"}");
        client.call(exchange);
        return exchange;
    }

    /**
     * A rate that refuses the tries whose numbers (from 1) are listed, with a short wait, and notes for each try when
     * it was asked and how many requests the stub had by then; its wait loops in place, as the fleet's gate does.
     */
    private final class ScriptedSlots implements RateSlots {

        private final List<Integer> refused;
        final List<Long> askedAt = new CopyOnWriteArrayList<>();
        final List<Integer> requestsSeen = new CopyOnWriteArrayList<>();

        ScriptedSlots(Integer... refused) {
            this.refused = List.of(refused);
        }

        @Override
        public long take() {
            askedAt.add(System.nanoTime());
            requestsSeen.add(api.requests().size());
            return refused.contains(askedAt.size()) ? 20 : 0;
        }

        @Override
        public void await(TaskRun run, LongSupplier attempt) {
            for (long wait = attempt.getAsLong(); wait != 0; wait = attempt.getAsLong()) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Whether the other end closed (or reset) the connection: reads to its end, for at most a minute. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        try {
            socket.getInputStream().readAllBytes();
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }
}

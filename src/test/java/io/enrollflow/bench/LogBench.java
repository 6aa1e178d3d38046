package io.enrollflow.bench;

import io.enrollflow.logging.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of enrollflow's log lines (bench/logging.sh): worker threads log the four INFO lines of a completed task
 * (intake, enroll, download, deliver). With Log4j on the classpath they are built as the pipeline builds them
 * ({@link Event}: fields as data, scrubbed and escaped by the jar's layouts); with slf4j-simple, the baseline, as
 * formatted SLF4J text. Prints CPU per line: on the logging threads (what a worker pays before it goes on) and in the
 * whole process (formatting and writing included, the asynchronous appender's thread too, drained before the clock
 * stops).
 * <p>
 * {@code LogBench <label> <tasks> <threads>}; the log itself goes to stderr, which the script sends to a file.
 */
public final class LogBench {

    private static final Logger INTAKE = LoggerFactory.getLogger("io.enrollflow.pipeline.TaskIntake");
    private static final Logger ENROLL = LoggerFactory.getLogger("io.enrollflow.enroll.EnrollmentClient");
    private static final Logger DOWNLOAD = LoggerFactory.getLogger("io.enrollflow.pipeline.DownloadStep");
    private static final Logger DELIVER = LoggerFactory.getLogger("io.enrollflow.pipeline.DeliveryStep");

    /** Log4j is the backend: the lines go through {@link Event}, as enrollflow's own do. */
    private static final boolean LOG4J = present("org.apache.logging.log4j.core.LoggerContext");

    private LogBench() {
    }

    public static void main(String[] args) throws Exception {
        String label = args[0];
        int tasks = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        run(tasks / 4, threads); // warm-up: the JIT compiles the logging path
        Thread.sleep(1000); // an asynchronous appender empties its queue
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long processStart = os.getProcessCpuTime();
        long wallStart = System.nanoTime();
        long callerNanos = run(tasks, threads);
        stopLogging(); // drains an asynchronous appender, so its writing is counted
        long wallNanos = System.nanoTime() - wallStart;
        long processNanos = os.getProcessCpuTime() - processStart;
        long lines = 4L * tasks;
        System.out.printf("%-22s lines=%d threads=%d  caller CPU %.2f us/line  process CPU %.2f us/line  wall %d ms%n",
                label, lines, threads, callerNanos / 1000.0 / lines, processNanos / 1000.0 / lines, wallNanos / 1_000_000);
    }

    /** Logs the lines of {@code tasks} tasks from {@code threads} threads; returns their CPU time in all. */
    private static long run(int tasks, int threads) throws InterruptedException {
        AtomicLong cpu = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread worker = new Thread(() -> {
                long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                for (int i = first; i < tasks; i += threads) {
                    if (LOG4J) {
                        EventLines.log(i);
                    } else {
                        formattedLines(i);
                    }
                }
                cpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start);
                done.countDown();
            }, "redis-queue-worker-" + t);
            workers.add(worker);
            worker.start();
        }
        done.await();
        return cpu.get();
    }

    /** The slf4j-simple baseline: the lines as SLF4J format strings. */
    private static void formattedLines(int i) {
        String id = "task-" + i;
        INTAKE.info("task={} stage=intake outcome=taken attempt={} order={} email={}", id, 1, "ord-" + i, "b***@example.com");
        ENROLL.info("task={} stage=enroll outcome={} http_status={} message=\"{}\"", id, "enrolled", 200, "ok");
        DOWNLOAD.info("task={} stage=download outcome={} seconds={}", id, "downloaded", 0.012);
        DELIVER.info("task={} stage=deliver outcome=completed email={} seconds={} delivery_url={}", id, "b***@example.com",
                0.051, "file:///srv/delivered/" + id);
    }

    /** The same lines as the pipeline builds them; a class of its own, loaded only when Log4j is there. */
    private static final class EventLines {

        private static final org.apache.logging.log4j.Logger INTAKE =
                org.apache.logging.log4j.LogManager.getLogger("io.enrollflow.pipeline.TaskIntake");
        private static final org.apache.logging.log4j.Logger ENROLL =
                org.apache.logging.log4j.LogManager.getLogger("io.enrollflow.enroll.EnrollmentClient");
        private static final org.apache.logging.log4j.Logger DOWNLOAD =
                org.apache.logging.log4j.LogManager.getLogger("io.enrollflow.pipeline.DownloadStep");
        private static final org.apache.logging.log4j.Logger DELIVER =
                org.apache.logging.log4j.LogManager.getLogger("io.enrollflow.pipeline.DeliveryStep");

        static void log(int i) {
            String id = "task-" + i;
            Event.info(INTAKE).task(id).stage("intake").outcome("taken").kv("attempt", 1).kv("order", "ord-" + i)
                    .email("buyer@example.com").log();
            Event.info(ENROLL).task(id).stage("enroll").outcome("enrolled").kv("http_status", 200).kv("message", "ok")
                    .log();
            Event.info(DOWNLOAD).task(id).stage("download").outcome("downloaded").kv("seconds", 0.012).log();
            Event.info(DELIVER).task(id).stage("deliver").outcome("completed").email("buyer@example.com")
                    .kv("seconds", 0.051).kv("delivery_url", "file:///srv/delivered/" + id).log();
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, LogBench.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Stops Log4j when it is the backend (reflection: the slf4j-simple run has no Log4j), allowing a minute to drain:
     * LogManager.shutdown() gives async loggers no time and drops what their ring buffer still holds.
     */
    private static void stopLogging() throws Exception {
        try {
            Object context = Class.forName("org.apache.logging.log4j.LogManager").getMethod("getContext", boolean.class)
                    .invoke(null, false);
            context.getClass().getMethod("stop", long.class, TimeUnit.class).invoke(context, 60L, TimeUnit.SECONDS);
        } catch (ClassNotFoundException e) {
            System.err.flush(); // slf4j-simple wrote every line already
        }
    }
}

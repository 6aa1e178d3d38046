package io.enrollflow.download;

import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives a download's session the download's niceness under the kernel's autogroup scheduling (docs/contract.md §5).
 * <p>
 * With autogroups on (the default of most distributions' kernels), the processor is shared first between sessions, and
 * only then between the processes of a session: a process's niceness orders it only against its own session. Every
 * download leads a session of its own ({@link Launcher}), so each one weighs as much as the whole enrollflow JVM, its
 * heartbeat included, whatever the download's niceness: with 50 downloads that want the processor, enrollflow gets a
 * fifty-first of it, and its pauses (a garbage collection waits for every thread to stop) stretch into seconds. The
 * session's own niceness ({@code /proc/<pid>/autogroup}) is what weighs against enrollflow there.
 * <p>
 * It can be written only once the command leads its session (before, the file is enrollflow's own session), so it is
 * written from one thread of its own, off the worker's path: it waits until {@code setsid} has made the session, then
 * writes. The kernel lets a user without CAP_SYS_ADMIN write such a file once per 100 ms machine-wide, so a refused
 * write is tried again every 100 ms while the download runs, for up to 15 s: enough for 150 downloads started at once.
 */
final class SessionNice {

    private static final Logger LOG = LogManager.getLogger(SessionNice.class);
    /** How often a session not yet made is looked at, in milliseconds. */
    private static final long SESSION_POLL_MS = 2;
    /** How long setsid may take to make the session before the download is left as it is, in milliseconds. */
    private static final long SESSION_WAIT_MS = 2_000;
    /** The kernel's interval between two writes of a user without CAP_SYS_ADMIN, in milliseconds. */
    private static final long WRITE_RETRY_MS = 100;
    /** How many times a refused write is tried again. */
    private static final int WRITE_RETRIES = 150;
    /** True when the kernel schedules by autogroup: only then has a session a niceness of its own. */
    private static final boolean AUTOGROUP = autogroupOn(Path.of("/proc/sys/kernel/sched_autogroup_enabled"));
    private static final ScheduledExecutorService THREAD = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "enrollflow-session-nice");
        thread.setDaemon(true);
        return thread;
    });

    private SessionNice() {
    }

    /** Sets the niceness of the session {@code leader} is making, once it is made; returns at once. */
    static void apply(Process leader, int nice) {
        if (AUTOGROUP && nice > 0) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_WAIT_MS);
            THREAD.execute(() -> attempt(leader, nice, deadline, WRITE_RETRIES));
        }
    }

    private static void attempt(Process leader, int nice, long deadline, int retries) {
        if (!leader.isAlive()) {
            return;
        }
        long pid = leader.pid();
        if (!leadsItsSession(Path.of("/proc", Long.toString(pid), "stat"), pid)) {
            if (System.nanoTime() < deadline) {
                THREAD.schedule(() -> attempt(leader, nice, deadline, retries), SESSION_POLL_MS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "autogroup"), Integer.toString(nice));
        } catch (IOException e) {
            // mostly the kernel's once-per-100-ms rule for users without CAP_SYS_ADMIN
            Event.debug(LOG).stage("download").outcome("session-nice-refused").kv("pid", pid).kv("retries_left", retries)
                    .error(e.getMessage()).log();
            if (retries > 0) {
                THREAD.schedule(() -> attempt(leader, nice, deadline, retries - 1), WRITE_RETRY_MS,
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * True when {@code /proc/<pid>/stat} names the process as its session's leader (field 6, the session id, is its
     * pid). The fields are counted after the last {@code )}: the command's name before it may hold anything.
     */
    static boolean leadsItsSession(Path stat, long pid) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // after the name: state, ppid, pgrp, session
            return fields.length > 3 && fields[3].equals(Long.toString(pid));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True when the file says the kernel schedules by autogroup ("1"); false when it says 0 or is missing. */
    static boolean autogroupOn(Path setting) {
        try {
            return Files.readString(setting).trim().equals("1");
        } catch (IOException e) {
            return false;
        }
    }
}

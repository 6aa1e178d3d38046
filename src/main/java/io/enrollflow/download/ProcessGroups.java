package io.enrollflow.download;

import com.sun.jna.Native;
import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Signals a whole process group (a download leads one of its own; see {@link Launcher}). Java 17 can signal only single
 * processes, so this is the C library's {@code kill(-pgid, sig)} through JNA: one system call. Where JNA cannot load
 * (no native library for the platform, a temp folder it may not unpack into), the {@code kill} program does it, one
 * process per signal: slower, the same effect.
 */
final class ProcessGroups {

    /** The signals used, with their numbers on Linux (the only platform where downloads get a group). */
    enum Signal {
        TERM(15), KILL(9);

        final int number;

        Signal(int number) {
            this.number = number;
        }
    }

    private static final Logger LOG = LogManager.getLogger(ProcessGroups.class);
    /** {@code errno} ESRCH: no process in the group. */
    private static final int ESRCH = 3;
    /** How long the {@code kill} program may take. */
    private static final long KILL_PROGRAM_SECONDS = 3;
    /** {@code kill}, the fallback when JNA is not there. */
    private static final Path KILL_PROGRAM = Stream.of("/usr/bin/kill", "/bin/kill").map(Path::of)
            .filter(Files::isExecutable).findFirst().orElse(null);
    /** True when the C library's kill is bound. */
    private static final boolean NATIVE = bind();

    private ProcessGroups() {
    }

    /** True when the C library's kill is bound (else groups are signalled through the kill program). */
    static boolean nativeKill() {
        return NATIVE;
    }

    /** True when a group can be signalled at all (natively, or through the kill program). */
    static boolean available() {
        return NATIVE || KILL_PROGRAM != null;
    }

    /**
     * Sends the signal to every process in the group; false only when the group is known to be empty (all gone),
     * true when a process was signalled or it could not be told.
     */
    static boolean signal(long pgid, Signal signal) throws InterruptedException {
        return NATIVE ? signalNatively(pgid, signal) : signalByProgram(pgid, signal);
    }

    /** {@link #signal} through the C library's kill (only where {@link #nativeKill()}). */
    static boolean signalNatively(long pgid, Signal signal) {
        if (CLibrary.kill(-Math.toIntExact(pgid), signal.number) == 0) {
            return true;
        }
        // errno as JNA kept it for this thread (no exception: ESRCH, an empty group, is the usual answer)
        int errno = Native.getLastError();
        if (errno == ESRCH) {
            return false;
        }
        // EPERM: a process in the group changed its user (setuid); the run's known ones are signalled one by one
        Event.warn(LOG).stage("download").outcome("group-kill-failed").kv("pgid", pgid).kv("errno", errno).log();
        return true;
    }

    /** {@code kill -SIG -- -<pgid>}: argv, no shell; exit 1 means no process in the group. */
    static boolean signalByProgram(long pgid, Signal signal) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder(KILL_PROGRAM.toString(), "-" + signal.name(), "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return !kill.waitFor(KILL_PROGRAM_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 1;
        } catch (IOException e) {
            // kill could not run (out of processes?): the known processes are still killed one by one after this
            Event.warn(LOG).stage("download").outcome("group-kill-failed").kv("pgid", pgid).error(e.getMessage()).log();
            return true;
        }
    }

    private static boolean bind() {
        try {
            Native.register(CLibrary.class, "c");
            return true;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalStateException e) {
            Event.info(LOG).stage("download").outcome("no-native-kill")
                    .note("process groups are signalled through " + KILL_PROGRAM).error(e.getMessage()).log();
            return false;
        }
    }

    /** The one C library function bound (JNA direct mapping: no proxy, no reflection per call). */
    private static final class CLibrary {
        static native int kill(int pid, int signal);
    }
}

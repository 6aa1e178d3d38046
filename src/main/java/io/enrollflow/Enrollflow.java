package io.enrollflow;

import io.enrollflow.cli.EnrollflowCommand;

/** {@code java -jar enrollflow.jar [run|demo|status|dlq] …}: see {@link EnrollflowCommand}. */
public final class Enrollflow {

    /** The JDK's property for how processes start; read once, when the first process starts. */
    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    private Enrollflow() {
    }

    public static void main(String[] args) {
        launchProcessesByVfork();
        System.exit(EnrollflowCommand.executeAsProcess(args));
    }

    /**
     * Every task starts a download process. The JDK's default on Linux, posix_spawn, first starts its helper program
     * (jspawnhelper), which then starts the command: one more program start (exec, C library start-up) per task, which
     * bench/run.sh's profile shows as a sizeable cost beside the download command itself. vfork starts the
     * command directly; Java 17 supports it on Linux (it was the default up to Java 11). An operator's own
     * {@code -Djdk.lang.Process.launchMechanism=…} wins, and later Java releases, which deprecate VFORK, keep their
     * default.
     */
    static void launchProcessesByVfork() {
        if (System.getProperty(LAUNCH_MECHANISM) == null && Runtime.version().feature() < 21
                && System.getProperty("os.name", "").startsWith("Linux")) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
    }
}

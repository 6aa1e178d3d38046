package io.enrollflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks at operating-system processes by pid. */
public final class Processes {

    private Processes() {
    }

    /**
     * True while the process runs. A zombie (killed, not yet reaped by its new parent, which in a container may be a
     * PID 1 that never reaps) counts as gone: it runs nothing. On Linux this reads {@code /proc/<pid>/stat}.
     */
    public static boolean isRunning(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            try {
                String text = Files.readString(stat);
                String afterName = text.substring(text.lastIndexOf(')') + 1).trim();
                char state = afterName.charAt(0);
                return state != 'Z' && state != 'X';
            } catch (IOException gone) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}

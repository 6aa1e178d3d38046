package io.enrollflow.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ends what a download's run started, when the run ends however it ends (docs/contract.md §5: nothing the command
 * started outlives the task), with one look at {@code /proc} at that moment rather than a watch while it runs.
 * <p>
 * What is the run's: its process group (the leader's pid), its session (a process that moved to another group stays
 * in it), every descendant of those still linked by parent (a child that called {@code setsid} while its parent
 * lives), and every process that carries the run's mark ({@link Launcher#MARK}) in its environment (one that called
 * {@code setsid} and lost its parent, as a daemon's double fork does: re-parented to init, nothing else links it to
 * the run). Only processes created after the leader can be the run's, and pids are handed out in increasing order up
 * to {@code pid_max}, so the look reads the status of the pids above the leader's alone, unless the machine has
 * started enough processes since ({@link #forks()}) for the counter to have wrapped: then of all.
 * <p>
 * The end: SIGTERM to the group and to each of the run's processes outside it (a tool may clean up), up to
 * {@link #GRACE} for them to go, then SIGKILL to the group and to whatever of them is left. The usual end of a
 * download (nothing left) costs one signal to an empty group and the look.
 */
final class Leftovers {

    /** After SIGTERM, how long the run's processes get to end before SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 50;
    private static final Path PROC = Path.of("/proc");
    private static final Object OWN_UID = uid(PROC.resolve("self"));
    /** The largest pid; past it the kernel hands out pids from the bottom again. */
    static final long PID_MAX = pidMax();

    private Leftovers() {
    }

    /**
     * One process as {@code /proc/<pid>/stat} describes it.
     *
     * @param start its start time (clock ticks since boot): with the pid, it names this process and no later one
     */
    record Proc(long pid, long ppid, long pgid, long sid, long start, char state) {

        boolean dead() {
            return state == 'Z' || state == 'X';
        }
    }

    /**
     * Ends the leader's group and every process of the run outside it (see the class comment); returns once they are
     * gone, or were sent SIGKILL.
     */
    static void end(Launcher.Started run) throws InterruptedException {
        Process leader = run.process();
        long group = leader.pid();
        List<Proc> found = find(group, run.mark(), run.forks());
        // with neither JNA nor the kill program (never seen on Linux) each process is signalled on its own
        boolean grouped = ProcessGroups.available();
        boolean groupHadProcesses = grouped ? ProcessGroups.signal(group, ProcessGroups.Signal.TERM) : leader.isAlive();
        if (!grouped) {
            leader.destroy();
        }
        Map<Proc, ProcessHandle> outside = new HashMap<>();
        for (Proc proc : found) {
            if (proc.pgid() != group || !grouped) {
                // the handle keeps the start time: a pid reused meanwhile is never signalled
                ProcessHandle.of(proc.pid()).ifPresent(handle -> {
                    outside.put(proc, handle);
                    handle.destroy();
                });
            }
        }
        if (!groupHadProcesses && outside.isEmpty() && !leader.isAlive()) {
            return;
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (System.nanoTime() < deadline && (leader.isAlive() || found.stream().anyMatch(Leftovers::running))) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        if (grouped) {
            ProcessGroups.signal(group, ProcessGroups.Signal.KILL);
        }
        leader.destroyForcibly();
        outside.forEach((proc, handle) -> {
            if (running(proc)) {
                handle.destroyForcibly();
            }
        });
        leader.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The run's living processes other than the leader: in its group or session, descended from one of those (or from
     * the leader), or carrying {@code mark}. Empty where {@code /proc} cannot be read.
     *
     * @param forksAtStart {@link #forks()} before the leader started
     */
    static List<Proc> find(long leader, String mark, long forksAtStart) {
        Map<Long, Proc> candidates = new HashMap<>();
        // to wrap, the counter must have handed out every pid above the leader's: at least that many processes started
        boolean wrapped = forksAtStart < 0 || forks() - forksAtStart >= PID_MAX - leader;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                long pid = pid(entry.getFileName().toString());
                if (pid > 0 && pid != leader && (wrapped || pid > leader)) {
                    stat(pid).filter(proc -> !proc.dead()).ifPresent(proc -> candidates.put(pid, proc));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        byte[] marked = (Launcher.MARK + "=" + mark).getBytes(StandardCharsets.UTF_8);
        Set<Long> members = new HashSet<>();
        for (Proc proc : candidates.values()) {
            if (proc.pgid() == leader || proc.sid() == leader || carries(proc.pid(), marked)) {
                members.add(proc.pid());
            }
        }
        List<Proc> run = new ArrayList<>();
        for (Proc proc : candidates.values()) {
            if (members.contains(proc.pid()) || descends(proc, leader, members, candidates)) {
                run.add(proc);
            }
        }
        return run;
    }

    /** True when a parent link leads from {@code proc} to the leader or to a member of the run. */
    private static boolean descends(Proc proc, long leader, Set<Long> members, Map<Long, Proc> candidates) {
        Set<Long> visited = new HashSet<>();
        long parent = proc.ppid();
        while (visited.add(parent)) {
            if (parent == leader || members.contains(parent)) {
                return true;
            }
            Proc up = candidates.get(parent);
            if (up == null) {
                return false;
            }
            parent = up.ppid();
        }
        return false;
    }

    /** True while the process runs: present with the same start time, and not a zombie. */
    static boolean running(Proc proc) {
        return stat(proc.pid()).filter(now -> now.start() == proc.start() && !now.dead()).isPresent();
    }

    /** {@code /proc/<pid>/stat}, or empty when the process is gone (or the file says something unexpected). */
    static Optional<Proc> stat(long pid) {
        try {
            String text = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")),
                    StandardCharsets.US_ASCII);
            // the name, in parentheses, may hold spaces and parentheses itself: the fields follow its last ')'
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            // after the name: state, ppid, pgrp, session, …, starttime (the 20th)
            return Optional.of(new Proc(pid, Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                    Long.parseLong(fields[3]), Long.parseLong(fields[19]), fields[0].charAt(0)));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** True when the process is this user's and its environment holds the variable {@code marked} (NAME=value). */
    private static boolean carries(long pid, byte[] marked) {
        Path dir = PROC.resolve(Long.toString(pid));
        if (OWN_UID == null || !OWN_UID.equals(uid(dir))) {
            return false; // another user's environment cannot be read, and no process of the run changed its user
        }
        try {
            byte[] environ = Files.readAllBytes(dir.resolve("environ"));
            // variables are NUL-terminated NAME=value strings: the mark must be one of them whole
            for (int at = 0; at + marked.length <= environ.length; ) {
                int end = at;
                while (end < environ.length && environ[end] != 0) {
                    end++;
                }
                if (end - at == marked.length && Arrays.equals(environ, at, end, marked, 0, marked.length)) {
                    return true;
                }
                at = end + 1;
            }
            return false;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /**
     * Processes the machine has started since it booted ({@code processes} in {@code /proc/stat}); -1 when unreadable.
     * It counts every pid namespace's, so it never understates the pids handed out in this one.
     */
    static long forks() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("stat"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("processes ")) {
                    return Long.parseLong(line.substring("processes ".length()).trim());
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // no /proc: every look reads all there is (none)
        }
        return -1;
    }

    private static long pidMax() {
        // read to its end as a stream: a sysctl file reports size 0, and Files.readAllBytes then returns its first
        // byte only ("3" of 32768), which made every look read all pids
        try (InputStream in = Files.newInputStream(PROC.resolve("sys/kernel/pid_max"))) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException unreadable) {
            return 0; // unknown: every look reads all pids
        }
    }

    private static long pid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }

    private static Object uid(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid");
        } catch (IOException | RuntimeException unknown) {
            return null;
        }
    }
}

package io.enrollflow.download;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Starts a download command as the leader of a new session and process group with the C library's
 * {@code posix_spawn} (glibc, through JNA), and hands it back as a {@link Process}.
 * <p>
 * Why: Java 17 cannot make a child a session or group leader, so downloads used to start through the {@code setsid}
 * program, whose exec and C library start-up cost as much CPU as a small download command itself. glibc's
 * {@code POSIX_SPAWN_SETSID} (2.26+) does the same in the child between fork and exec. The child gets, as
 * {@link ProcessBuilder} gave it: stdin from {@code /dev/null}; stdout and stderr into one pipe (read by
 * {@link Process#getInputStream()}); the task folder as working directory; no other file descriptor of the JVM
 * (closed from 3 up: Redis sockets and open files never reach the operator's command); an empty signal mask (a JVM
 * thread's blocked signals are not inherited); exactly the environment given. The command is found the way
 * {@code setsid}'s {@code execvp} found it (see {@link #resolve}), and a file that is not an executable format runs
 * through {@code /bin/sh}, as {@code execvp} and {@link ProcessBuilder} both do.
 * <p>
 * Lifecycle of a started process: a thread of a small cached pool ({@code download-reaper-N}) waits for its end with
 * {@code waitid(WNOWAIT)}, then reaps it under the process's lock; {@code destroy()} signals under that same lock only
 * while the pid is not reaped, so a pid reused by the system after the reap is never hit.
 * <p>
 * Where JNA or any of these functions cannot bind (not Linux/glibc 2.34+ on 64 bits, a temp folder JNA may not
 * unpack into), {@link #available()} is false and the runner starts commands as before.
 */
final class Spawn {

    // Linux (x86_64 and aarch64 alike) values of the constants used
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int EINTR = 4;
    private static final int ENOEXEC = 8;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    /** glibc x86_64 needs 336 bytes for posix_spawnattr_t and 80 for posix_spawn_file_actions_t: room to spare. */
    private static final int STRUCT_BYTES = 1024;
    /** sigset_t: 1024 bits. */
    private static final int SIGSET_BYTES = 128;
    /** siginfo_t, which waitid fills: 128 bytes on Linux. */
    private static final int SIGINFO_INTS = 32;
    /** One read of the pipe: the size of the runner's own buffer. */
    private static final int READ_BYTES = 8192;
    /** A reaper only blocks in one system call: a small stack is plenty (the default would be 1 MiB per download). */
    private static final long REAPER_STACK_BYTES = 256 * 1024;
    /** The shell execvp falls back to for a file that is not an executable format. */
    private static final String SHELL = "/bin/sh";
    /** glibc's execvp search path when PATH is unset. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    /** How file names, arguments and variables become bytes: as {@link ProcessBuilder} encodes them. */
    private static final Charset ENCODING = jnuEncoding();
    /** Null when every function is bound, else why not. */
    private static final String UNAVAILABLE = bind();

    private static final AtomicInteger REAPER_COUNT = new AtomicInteger();
    private static final ExecutorService REAPERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(null, task, "download-reaper-" + REAPER_COUNT.incrementAndGet(), REAPER_STACK_BYTES);
        thread.setDaemon(true);
        return thread;
    });

    private Spawn() {
    }

    /** True when commands can be started here with posix_spawn. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why posix_spawn cannot be used here, or null when it can. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /**
     * Starts {@code argv} in {@code dir} with exactly the environment {@code env}, as the leader of a new session and
     * process group (its pgid and sid are its pid).
     *
     * @throws IOException the command was not found or could not be executed (the message says why, as
     *                     {@link ProcessBuilder}'s does); nothing is left open or running
     */
    static Process start(List<String> argv, Path dir, Map<String, String> env) throws IOException {
        return start(argv, dir, new Environment(env));
    }

    /** As {@link #start(List, Path, Map)}, with an environment encoded once for many starts. */
    static Process start(List<String> argv, Path dir, Environment env) throws IOException {
        if (!available()) {
            throw new IllegalStateException("posix_spawn is not available: " + UNAVAILABLE);
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command");
        }
        String program = resolve(argv.get(0), dir, env.path);
        byte[][] variables = env.variables;
        int[] pipe = new int[2];
        if (LibC.pipe2(pipe, O_CLOEXEC) != 0) {
            throw new IOException(cannotRun(argv, dir, Native.getLastError()));
        }
        int readEnd = pipe[0];
        int writeEnd = pipe[1];
        boolean started = false;
        try {
            int[] pid = new int[1];
            int error = spawn(program, argv, dir.toString(), variables, writeEnd, pid);
            if (error == ENOEXEC) {
                // a script without "#!": execvp (and ProcessBuilder) run it with the shell, file and arguments as argv
                List<String> shellArgv = new ArrayList<>(argv.size() + 1);
                shellArgv.add(SHELL);
                shellArgv.add(program);
                shellArgv.addAll(argv.subList(1, argv.size()));
                error = spawn(SHELL, shellArgv, dir.toString(), variables, writeEnd, pid);
            }
            if (error != 0) {
                // glibc reaped the child that could not exec: only the pipe is left to close (finally)
                throw new IOException(cannotRun(argv, dir, error));
            }
            Spawned process = new Spawned(pid[0], new PipeInputStream(readEnd));
            started = true;
            process.startReaper();
            return process;
        } finally {
            // the child holds its own copies; the JVM keeps only the read end, and that only when the child runs
            LibC.close(writeEnd);
            if (!started) {
                LibC.close(readEnd);
            }
        }
    }

    /**
     * An environment as posix_spawn takes it, {@code NAME=value} strings encoded once: a download's is the same for
     * every task (encoding it per start was about 2% of a worker's CPU in bench/run.sh).
     */
    static final class Environment {
        private final String path;
        private final byte[][] variables;

        Environment(Map<String, String> env) {
            this.path = env.get("PATH");
            List<String> pairs = new ArrayList<>(env.size());
            env.forEach((name, value) -> pairs.add(name + "=" + value));
            this.variables = cStrings(pairs);
        }
    }

    /**
     * The file to execute, found as {@code setsid}'s {@code execvp} found it in the child (so, after the change to
     * {@code dir}): a name with a '/' is taken as it is (a relative one therefore resolves against {@code dir}, the
     * task folder, as it always did); a bare name is looked up in the entries of PATH (an empty or relative entry
     * against {@code dir}), the first executable regular file winning.
     */
    static String resolve(String name, Path dir, String path) throws IOException {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            return name;
        }
        for (String entry : (path == null ? DEFAULT_PATH : path).split(":", -1)) {
            Path candidate = dir.resolve(entry.isEmpty() ? "." : entry).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        throw new IOException("Cannot run program \"" + name + "\": not found in PATH");
    }

    /**
     * One posix_spawn: every struct, string and pointer array it needs in one native block, freed before returning.
     *
     * @return 0, with the child's pid in {@code pid[0]}, or the error number
     */
    private static int spawn(String program, List<String> argv, String dir, byte[][] vars, int output, int[] pid) {
        byte[][] args = cStrings(argv);
        byte[] file = cString(program);
        byte[] folder = cString(dir);
        byte[] devNull = cString("/dev/null");
        long attrAt = 0;
        long actionsAt = attrAt + STRUCT_BYTES;
        long sigsetAt = actionsAt + STRUCT_BYTES;
        long argvAt = sigsetAt + SIGSET_BYTES;
        long envAt = argvAt + (args.length + 1L) * Long.BYTES;
        long stringsAt = envAt + (vars.length + 1L) * Long.BYTES;
        long size = stringsAt + file.length + folder.length + devNull.length + totalLength(args) + totalLength(vars);
        try (Memory block = new Memory(size)) {
            long base = Pointer.nativeValue(block);
            long at = stringsAt;
            at = putArray(block, base, argvAt, args, at);
            at = putArray(block, base, envAt, vars, at);
            long fileAt = at;
            block.write(fileAt, file, 0, file.length);
            long folderAt = fileAt + file.length;
            block.write(folderAt, folder, 0, folder.length);
            long devNullAt = folderAt + folder.length;
            block.write(devNullAt, devNull, 0, devNull.length);

            Pointer attr = block.share(attrAt);
            Pointer actions = block.share(actionsAt);
            Pointer sigset = block.share(sigsetAt);
            int error = LibC.posix_spawnattr_init(attr);
            if (error != 0) {
                return error;
            }
            try {
                error = LibC.posix_spawn_file_actions_init(actions);
                if (error != 0) {
                    return error;
                }
                try {
                    LibC.sigemptyset(sigset);
                    // each call only records a setting or an action in its struct: all are made, the first error counts
                    error = first(
                            LibC.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK)),
                            LibC.posix_spawnattr_setsigmask(attr, sigset),
                            LibC.posix_spawn_file_actions_addopen(actions, 0, block.share(devNullAt), O_RDONLY, 0),
                            LibC.posix_spawn_file_actions_adddup2(actions, output, 1),
                            LibC.posix_spawn_file_actions_adddup2(actions, output, 2),
                            LibC.posix_spawn_file_actions_addchdir_np(actions, block.share(folderAt)),
                            // after the dup2s: the pipe's own descriptors go too, with every other one of the JVM
                            LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3));
                    if (error != 0) {
                        return error;
                    }
                    return LibC.posix_spawn(pid, block.share(fileAt), actions, attr, block.share(argvAt),
                            block.share(envAt));
                } finally {
                    LibC.posix_spawn_file_actions_destroy(actions);
                }
            } finally {
                LibC.posix_spawnattr_destroy(attr);
            }
        }
    }

    /** Writes the strings from {@code at} on and a null-terminated array of pointers to them at {@code arrayAt}. */
    private static long putArray(Memory block, long base, long arrayAt, byte[][] strings, long at) {
        for (int i = 0; i < strings.length; i++) {
            block.write(at, strings[i], 0, strings[i].length);
            block.setLong(arrayAt + (long) i * Long.BYTES, base + at);
            at += strings[i].length;
        }
        block.setLong(arrayAt + (long) strings.length * Long.BYTES, 0);
        return at;
    }

    private static int first(int... errors) {
        for (int error : errors) {
            if (error != 0) {
                return error;
            }
        }
        return 0;
    }

    private static long totalLength(byte[][] strings) {
        long total = 0;
        for (byte[] string : strings) {
            total += string.length;
        }
        return total;
    }

    private static byte[][] cStrings(List<String> strings) {
        byte[][] bytes = new byte[strings.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = cString(strings.get(i));
        }
        return bytes;
    }

    /** The string's bytes and a NUL (a NUL inside cannot occur: the task's fields and the setting are checked text). */
    private static byte[] cString(String string) {
        byte[] text = string.getBytes(ENCODING);
        byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        return bytes;
    }

    /** ProcessBuilder's wording, so an operator reads the same message whichever way the command was started. */
    private static String cannotRun(List<String> argv, Path dir, int errno) {
        return "Cannot run program \"" + argv.get(0) + "\" (in directory \"" + dir + "\"): error=" + errno + ", "
                + LibC.strerror(errno);
    }

    private static Charset jnuEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (IllegalArgumentException | NullPointerException e) {
            // no such property or charset on this JVM: the platform's default is what ProcessBuilder falls back to
            return Charset.defaultCharset();
        }
    }

    private static String bind() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return "not Linux";
        }
        try {
            if (Native.POINTER_SIZE != Long.BYTES) {
                return "not a 64-bit JVM";
            }
            Native.register(LibC.class, NativeLibrary.getInstance("c"));
            return null;
        } catch (LinkageError | IllegalStateException | IllegalArgumentException e) {
            // no JNA native part (a noexec temp folder), or a C library without one of the functions (musl, glibc <2.34)
            return e.getMessage();
        }
    }

    /** A started command. */
    private static final class Spawned extends Process {

        private final int pid;
        private final PipeInputStream output;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        /** Taken before the reaper may reap: it names this very process (pid and start time) while it lives. */
        private final Optional<ProcessHandle> handle;
        /** Held by the reap and by every signal: no signal once the pid is the system's to reuse. */
        private final Object reapLock = new Object();
        private boolean reaped;

        Spawned(int pid, PipeInputStream output) {
            this.pid = pid;
            this.output = output;
            this.handle = ProcessHandle.of(pid);
        }

        void startReaper() {
            try {
                REAPERS.execute(this::reap);
            } catch (RuntimeException | OutOfMemoryError e) {
                // no thread to wait for it: kill and reap it here, so nothing runs unwatched; the task's run fails
                signal(SIGKILL);
                reap();
                output.close();
                throw e;
            }
        }

        private void reap() {
            int[] info = new int[SIGINFO_INTS];
            // waits for the end without reaping, so that signals stay safe until the reap below
            while (LibC.waitid(P_PID, pid, info, WEXITED | WNOWAIT) != 0 && Native.getLastError() == EINTR) {
                // interrupted by a signal: wait again
            }
            int[] status = new int[1];
            int code;
            synchronized (reapLock) {
                int result;
                do {
                    result = LibC.waitpid(pid, status, 0);
                } while (result < 0 && Native.getLastError() == EINTR);
                reaped = true;
                // the status could not be read (another part of the process reaped it): -1, never a success
                code = result == pid ? exitCode(status[0]) : -1;
            }
            exit.complete(code);
        }

        /** As Java reports it: the exit status, or 128 + the signal that ended it. */
        private static int exitCode(int status) {
            int signal = status & 0x7f;
            return signal == 0 ? (status >> 8) & 0xff : 0x80 + signal;
        }

        private void signal(int signal) {
            synchronized (reapLock) {
                if (!reaped) {
                    LibC.kill(pid, signal);
                }
            }
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public OutputStream getOutputStream() {
            return ClosedStdin.INSTANCE;
        }

        @Override
        public InputStream getInputStream() {
            return output;
        }

        @Override
        public InputStream getErrorStream() {
            // stderr goes into the same pipe as stdout
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                return exit.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the reaper never fails", e);
            }
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            if (timeout <= 0) {
                return exit.isDone();
            }
            try {
                exit.get(timeout, unit);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException("the reaper never fails", e);
            }
        }

        @Override
        public int exitValue() {
            Integer code = exit.getNow(null);
            if (code == null) {
                throw new IllegalThreadStateException("process hasn't exited");
            }
            return code;
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public void destroy() {
            signal(SIGTERM);
        }

        @Override
        public Process destroyForcibly() {
            signal(SIGKILL);
            return this;
        }

        @Override
        public boolean supportsNormalTermination() {
            return true;
        }

        @Override
        public CompletableFuture<Process> onExit() {
            return exit.thenApply(code -> this);
        }

        @Override
        public ProcessHandle toHandle() {
            return handle.orElseThrow(() -> new UnsupportedOperationException("the process was gone at once"));
        }

        @Override
        public Stream<ProcessHandle> children() {
            return isAlive() ? handle.map(ProcessHandle::children).orElseGet(Stream::empty) : Stream.empty();
        }

        @Override
        public Stream<ProcessHandle> descendants() {
            // once gone, its children went to init: nothing to find (and its pid may be someone else's)
            return isAlive() ? handle.map(ProcessHandle::descendants).orElseGet(Stream::empty) : Stream.empty();
        }

        @Override
        public String toString() {
            return "Process[pid=" + pid + ", exitValue=" + (isAlive() ? "\"not exited\"" : exitValue()) + "]";
        }
    }

    /** stdin is /dev/null: nothing can be written to the command, as with ProcessBuilder's redirect from a file. */
    private static final class ClosedStdin extends OutputStream {
        static final ClosedStdin INSTANCE = new ClosedStdin();

        @Override
        public void write(int b) throws IOException {
            throw new IOException("Stream closed: the command's stdin is /dev/null");
        }
    }

    /**
     * The read end of the command's output pipe, read with the C library's {@code read} (EINTR retried). Reading the
     * descriptor directly, rather than reopening it as {@code /proc/self/fd/N}, needs no /proc and has none of the
     * FIFO open semantics (an open blocks while the pipe has no writer). The descriptor is closed at the end of the
     * output or on {@link #close()}, whichever comes first; a close during a blocked read is carried out by that read
     * when it returns, so the number is never closed while in use (and then reused for another file under it).
     */
    private static final class PipeInputStream extends InputStream {

        /** Serialises reads: they share the native buffer. */
        private final ReentrantLock reading = new ReentrantLock();
        private final Memory buffer = new Memory(READ_BYTES);
        private int fd;
        private boolean inRead;
        private boolean closed;
        private boolean ended;

        PipeInputStream(int fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            reading.lock();
            try {
                int descriptor;
                synchronized (this) {
                    if (closed) {
                        throw new IOException("Stream closed");
                    }
                    if (ended) {
                        return -1;
                    }
                    inRead = true;
                    descriptor = fd;
                }
                long n;
                int errno = 0;
                try {
                    do {
                        n = LibC.read(descriptor, buffer, Math.min(length, READ_BYTES));
                    } while (n < 0 && (errno = Native.getLastError()) == EINTR);
                    if (n > 0) {
                        buffer.read(0, bytes, offset, (int) n);
                    }
                } finally {
                    synchronized (this) {
                        inRead = false;
                        if (closed) {
                            release();
                        }
                    }
                }
                if (n < 0) {
                    throw new IOException("reading the command's output: " + LibC.strerror(errno));
                }
                if (n == 0) {
                    // every writer is gone: the descriptor is not needed any more
                    synchronized (this) {
                        ended = true;
                        release();
                    }
                    return -1;
                }
                return (int) n;
            } finally {
                reading.unlock();
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                if (!inRead) {
                    release();
                }
            }
        }

        /** Closes the descriptor and frees the buffer, once. */
        private void release() {
            if (fd >= 0) {
                LibC.close(fd);
                fd = -1;
                buffer.close();
            }
        }
    }

    /** The C library functions used (JNA direct mapping: bound once, no proxy or reflection per call). */
    private static final class LibC {
        static native int posix_spawn(int[] pid, Pointer path, Pointer fileActions, Pointer attr, Pointer argv,
                                      Pointer envp);

        static native int posix_spawnattr_init(Pointer attr);

        static native int posix_spawnattr_destroy(Pointer attr);

        static native int posix_spawnattr_setflags(Pointer attr, short flags);

        static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

        static native int sigemptyset(Pointer sigset);

        static native int posix_spawn_file_actions_init(Pointer actions);

        static native int posix_spawn_file_actions_destroy(Pointer actions);

        static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, Pointer path, int flags, int mode);

        static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

        static native int posix_spawn_file_actions_addchdir_np(Pointer actions, Pointer path);

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        static native int pipe2(int[] fds, int flags);

        static native int close(int fd);

        static native long read(int fd, Pointer buffer, long count);

        static native int waitid(int idType, int id, int[] info, int options);

        static native int waitpid(int pid, int[] status, int options);

        static native int kill(int pid, int signal);

        static native String strerror(int errno);
    }
}

package io.sigbridge.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Windows child started by {@code ProcessGroups.start}: CreateProcessW with
 * CREATE_NEW_PROCESS_GROUP (which ProcessBuilder cannot ask for), created suspended and placed in
 * a Job Object of its own before it runs, so it and everything it starts can be killed as a
 * whole ({@code TerminateJobObject}). ProcessBuilder's command (quoted for the C runtime's
 * parser), directory, environment and redirects are honoured.
 *
 * <p>{@link #destroy()} and {@link #destroyForcibly()} both end the whole job at once with exit
 * code 1 (the JDK's {@code destroy()} on Windows is {@code TerminateProcess} of the one process,
 * also exit code 1); {@link #supportsNormalTermination()} is false, as for the JDK's processes on
 * Windows. The graceful way is {@code ProcessGroups.interrupt}/{@code terminate}
 * (CTRL_BREAK_EVENT to the group), which can fail and say so, which {@code destroy()} cannot.
 *
 * <p>The process and job handles are held until this object is unreachable and the process has
 * ended (a {@link Cleaner} closes them), so {@link #pid()} cannot be reused meanwhile; pipe
 * handles are closed with their streams, or by the Cleaner when a stream is dropped. Not public
 * API: use it as a {@link Process}.
 */
public final class WindowsGroupProcess extends Process {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "sigbridge-process-cleaner");
        t.setDaemon(true);
        return t;
    });
    /** One small waiting thread per running child, as the JDK's "process reaper". */
    private static final ExecutorService REAPER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(null, r, "sigbridge-process-reaper", 128 * 1024, false);
        t.setDaemon(true);
        return t;
    });
    /** The exit code {@link #destroy()} gives, as TerminateProcess does in the JDK's destroy(). */
    public static final int KILLED_EXIT_CODE = 1;

    private final long pid;
    private final Handles handles;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ProcessHandle processHandle;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;

    private WindowsGroupProcess(long[] spawned, ProcessHandle processHandle) {
        this.pid = spawned[0];
        this.handles = new Handles(spawned[1], spawned[2]);
        CLEANER.register(this, handles);
        this.stdin = spawned[3] != 0 ? new BufferedOutputStream(new PipeOutputStream(spawned[3]))
                : new ClosedOutputStream();
        this.stdout = spawned[4] != 0 ? new BufferedInputStream(new PipeInputStream(spawned[4]))
                : InputStream.nullInputStream();
        this.stderr = spawned[5] != 0 ? new BufferedInputStream(new PipeInputStream(spawned[5]))
                : InputStream.nullInputStream();
        this.processHandle = processHandle;
        Handles h = handles;
        CompletableFuture<Integer> done = exit;
        REAPER.execute(() -> h.awaitExit(done));
    }

    /**
     * Starts {@code builder}'s command in a new process group and Job Object.
     *
     * @param killOnJobClose JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: when the job handle closes (this
     *     JVM ends, however it ends), whatever is left of the tree is killed
     * @throws IOException when a redirect file cannot be opened, the program cannot be run, or
     *     the child cannot be placed in a Job Object
     */
    public static WindowsGroupProcess start(ProcessBuilder builder, boolean killOnJobClose)
            throws IOException {
        List<String> command = builder.command();
        String line = commandLine(command);
        String environment = environmentBlock(builder.environment());
        File dir = builder.directory();
        String directory = dir == null ? null : dir.getAbsolutePath();
        int[] modes = new int[3];
        String[] paths = new String[3];
        ProcessBuilder.Redirect[] redirects = {builder.redirectInput(), builder.redirectOutput(),
            builder.redirectError()};
        for (int i = 0; i < 3; i++) {
            if (i == 2 && builder.redirectErrorStream()) {
                modes[i] = WindowsNatives.STDIO_STDOUT;
                continue;
            }
            ProcessBuilder.Redirect r = redirects[i];
            switch (r.type()) {
                case PIPE:
                    modes[i] = WindowsNatives.STDIO_PIPE;
                    break;
                case INHERIT:
                    modes[i] = WindowsNatives.STDIO_INHERIT;
                    break;
                case READ:
                    modes[i] = WindowsNatives.STDIO_READ;
                    paths[i] = redirectPath(r.file());
                    break;
                case WRITE:
                    modes[i] = WindowsNatives.STDIO_WRITE;
                    paths[i] = redirectPath(r.file());
                    break;
                case APPEND:
                    modes[i] = WindowsNatives.STDIO_APPEND;
                    paths[i] = redirectPath(r.file());
                    break;
                default:
                    throw new IllegalArgumentException("unknown redirect " + r);
            }
        }
        NativeLibrary.load();
        long[] out = new long[8];
        int rc = WindowsNatives.spawn(line, environment, directory, modes, paths, killOnJobClose, out);
        if (rc != 0) {
            String text = NativeSignals.errorText(rc);
            int step = (int) out[6];
            if (step >= WindowsNatives.STEP_STDIN && step < WindowsNatives.STEP_STDIN + 3) {
                throw new FileNotFoundException(paths[step - WindowsNatives.STEP_STDIN] + " ("
                        + text + ", Windows error " + rc + ")");
            }
            if (step == WindowsNatives.STEP_JOB) {
                throw new IOException("Cannot run program \"" + command.get(0) + "\": cannot place"
                        + " it in a Job Object: " + text + " (Windows error " + rc + ")");
            }
            throw new IOException("Cannot run program \"" + command.get(0) + "\""
                    + (directory != null ? " (in directory \"" + directory + "\")" : "")
                    + ": CreateProcess error=" + rc + ", " + text);
        }
        // Taken while the child is still suspended, so it cannot have ended (ProcessHandle.of
        // is empty for an ended process); our process handle keeps the pid from being reused.
        ProcessHandle processHandle = null;
        int resumed = -1;
        try {
            processHandle = ProcessHandle.of(out[0]).orElse(null);
        } finally {
            resumed = WindowsNatives.resumeThread(out[7]);
            if (resumed != 0) {
                WindowsNatives.terminateJob(out[2], KILLED_EXIT_CODE);
                for (int i = 1; i <= 5; i++) {
                    if (out[i] != 0) {
                        WindowsNatives.closeHandle(out[i]);
                    }
                }
            }
        }
        if (resumed != 0) {
            throw new IOException("Cannot run program \"" + command.get(0) + "\": ResumeThread"
                    + " failed: " + NativeSignals.errorText(resumed) + " (Windows error " + resumed + ")");
        }
        return new WindowsGroupProcess(out, processHandle);
    }

    private static String redirectPath(File file) {
        // Redirect.DISCARD is the file NUL: the device, not a file named NUL in some directory.
        if (file.getPath().equalsIgnoreCase("NUL")) {
            return "NUL";
        }
        return file.getAbsolutePath();
    }

    /**
     * The command line CreateProcessW gets: the program as the system parses it (quoted when it
     * holds a space or tab; it cannot hold a quote), each argument quoted the way the C
     * runtime's parser (and CommandLineToArgvW) splits it again: spaces, tabs and quotes inside
     * quotes, backslashes doubled before a quote and at the end. cmd.exe and batch files parse
     * their command line differently; quote for them yourself, as with the JDK.
     */
    public static String commandLine(List<String> command) {
        String program = command.get(0);
        if (program.indexOf('"') >= 0 || program.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a program name cannot contain a double quote or"
                    + " NUL on Windows: " + program);
        }
        StringBuilder line = new StringBuilder();
        if (program.isEmpty() || program.indexOf(' ') >= 0 || program.indexOf('\t') >= 0) {
            line.append('"').append(program).append('"');
        } else {
            line.append(program);
        }
        for (String arg : command.subList(1, command.size())) {
            line.append(' ');
            quote(arg, line);
        }
        return line.toString();
    }

    private static void quote(String arg, StringBuilder line) {
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an argument cannot contain NUL: " + arg);
        }
        boolean plain = !arg.isEmpty();
        for (int i = 0; i < arg.length() && plain; i++) {
            char c = arg.charAt(i);
            plain = c != ' ' && c != '\t' && c != '\n' && c != 0x0B && c != '"';
        }
        if (plain) {
            line.append(arg);
            return;
        }
        line.append('"');
        int backslashes = 0;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '\\') {
                backslashes++;
            } else if (c == '"') {
                line.append("\\".repeat(2 * backslashes + 1)).append('"');
                backslashes = 0;
            } else {
                line.append("\\".repeat(backslashes)).append(c);
                backslashes = 0;
            }
        }
        line.append("\\".repeat(2 * backslashes)).append('"');
    }

    /** Windows wants the block sorted by name, case-insensitively (as the JDK sorts it). */
    private static final Comparator<String> NAME_ORDER = (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = Character.toUpperCase(a.charAt(i));
            char y = Character.toUpperCase(b.charAt(i));
            if (x != y) {
                return x - y;
            }
        }
        return a.length() - b.length();
    };

    /**
     * The CREATE_UNICODE_ENVIRONMENT block: {@code NAME=value\0...\0}. SystemRoot is added when
     * missing, as the JDK does (without it, Winsock and other system DLLs fail in the child).
     */
    public static String environmentBlock(Map<String, String> environment) {
        Map<String, String> sorted = new TreeMap<>(NAME_ORDER);
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey();
            String value = Objects.requireNonNull(e.getValue(), "value of " + name);
            if (name.isEmpty() || name.indexOf('=', 1) >= 0 || name.indexOf('\0') >= 0
                    || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable: " + name);
            }
            sorted.put(name, value);
        }
        String systemRoot = System.getenv("SystemRoot");
        if (!sorted.containsKey("SystemRoot") && systemRoot != null) {
            sorted.put("SystemRoot", systemRoot);
        }
        StringBuilder block = new StringBuilder();
        sorted.forEach((k, v) -> block.append(k).append('=').append(v).append('\0'));
        if (block.length() == 0) {
            block.append('\0');
        }
        return block.append('\0').toString();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        if (processHandle == null) {
            throw new UnsupportedOperationException("no ProcessHandle for process " + pid);
        }
        return processHandle;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for process " + pid + " failed", e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (exitedNow()) {
            return true;
        }
        if (timeout <= 0) {
            return false;
        }
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for process " + pid + " failed", e.getCause());
        }
    }

    @Override
    public int exitValue() {
        if (!exitedNow()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        Integer code = exit.getNow(null);
        return code != null ? code : handles.exitCode();
    }

    @Override
    public boolean isAlive() {
        return !exitedNow();
    }

    /** True once the process has ended, even when the reaper has not noticed yet. */
    private boolean exitedNow() {
        return exit.isDone() || handles.exited();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.thenApply(code -> this);
    }

    /** Ends the whole job at once (TerminateJobObject, exit code 1); see the class comment. */
    @Override
    public void destroy() {
        killJob();
    }

    @Override
    public Process destroyForcibly() {
        killJob();
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return false;
    }

    /** TerminateJobObject: this process and everything in its job. 0 or a Windows error code. */
    public int killJob() {
        return handles.terminateJob();
    }

    /** How many processes of its job are still running (0 when the whole tree has ended). */
    public long runningInJob() {
        return handles.activeProcesses();
    }

    @Override
    public String toString() {
        Integer code = exit.getNow(null);
        return "WindowsGroupProcess[pid=" + pid + (code != null ? ", exitValue=" + code : ", alive")
                + "]";
    }

    /** The process and job handles: closed when the process object is gone and it has ended. */
    private static final class Handles implements Runnable {
        private final long process;
        private final long job;
        private boolean waiting = true;
        private boolean released;
        private boolean closed;

        Handles(long process, long job) {
            this.process = process;
            this.job = job;
        }

        void awaitExit(CompletableFuture<Integer> exit) {
            try {
                int rc = WindowsNatives.waitForProcess(process, -1);
                if (rc != 0) {
                    exit.completeExceptionally(new IllegalStateException(
                            "WaitForSingleObject failed: " + NativeSignals.errorText(rc)));
                } else {
                    exit.complete(exitCode());
                }
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            } finally {
                synchronized (this) {
                    waiting = false;
                    if (released) {
                        close();
                    }
                }
            }
        }

        synchronized boolean exited() {
            return closed || WindowsNatives.waitForProcess(process, 0) == 0;
        }

        synchronized int exitCode() {
            long code = WindowsNatives.exitCode(process);
            if (code < 0) {
                throw new IllegalStateException("GetExitCodeProcess failed: "
                        + NativeSignals.errorText((int) -code));
            }
            return (int) code;
        }

        synchronized int terminateJob() {
            return closed ? 0 : WindowsNatives.terminateJob(job, KILLED_EXIT_CODE);
        }

        synchronized long activeProcesses() {
            if (closed) {
                return 0;
            }
            long n = WindowsNatives.activeProcesses(job);
            if (n < 0) {
                throw new IllegalStateException("QueryInformationJobObject failed: "
                        + NativeSignals.errorText((int) -n));
            }
            return n;
        }

        /** The Cleaner: the process object is unreachable. */
        @Override
        public synchronized void run() {
            released = true;
            if (!waiting) {
                close();
            }
        }

        private void close() {
            if (!closed) {
                closed = true;
                WindowsNatives.closeHandle(process);
                WindowsNatives.closeHandle(job);
            }
        }
    }

    /** One pipe handle: closed once, never while a read or write on it is in progress. */
    private static final class PipeHandle implements Runnable {
        private long handle;
        private int inUse;
        private boolean closed;

        PipeHandle(long handle) {
            this.handle = handle;
        }

        synchronized long acquire() throws IOException {
            if (closed) {
                throw new IOException("Stream closed");
            }
            inUse++;
            return handle;
        }

        synchronized void release() {
            if (--inUse == 0 && closed) {
                closeNow();
            }
        }

        synchronized boolean isClosed() {
            return closed;
        }

        /** close(), or the Cleaner when the stream is dropped unclosed. */
        @Override
        public synchronized void run() {
            if (!closed) {
                closed = true;
                if (inUse == 0) {
                    closeNow();
                }
            }
        }

        private void closeNow() {
            if (handle != 0) {
                WindowsNatives.closeHandle(handle);
                handle = 0;
            }
        }
    }

    private static final class PipeInputStream extends InputStream {
        private final PipeHandle pipe;
        private final Cleaner.Cleanable cleanable;

        PipeInputStream(long handle) {
            pipe = new PipeHandle(handle);
            cleanable = CLEANER.register(this, pipe);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            long h = pipe.acquire();
            try {
                while (true) {
                    long n = WindowsNatives.readHandle(h, b, off, len);
                    if (n > 0) {
                        return (int) n;
                    }
                    if (n == -WindowsNatives.ERROR_BROKEN_PIPE || n == -WindowsNatives.ERROR_HANDLE_EOF) {
                        return -1; // the child closed its end
                    }
                    if (n < 0) {
                        throw new IOException("reading the child's output failed: "
                                + NativeSignals.errorText((int) -n) + " (Windows error " + (-n) + ")");
                    }
                    // 0: a zero-length write; a read returns at least one byte or -1
                }
            } finally {
                pipe.release();
            }
        }

        @Override
        public int available() throws IOException {
            long h = pipe.acquire();
            try {
                long n = WindowsNatives.availableHandle(h);
                return n < 0 ? 0 : (int) Math.min(n, Integer.MAX_VALUE);
            } finally {
                pipe.release();
            }
        }

        @Override
        public void close() {
            cleanable.clean();
        }
    }

    private static final class PipeOutputStream extends OutputStream {
        private final PipeHandle pipe;
        private final Cleaner.Cleanable cleanable;

        PipeOutputStream(long handle) {
            pipe = new PipeHandle(handle);
            cleanable = CLEANER.register(this, pipe);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                if (pipe.isClosed()) {
                    throw new IOException("Stream closed");
                }
                return;
            }
            long h = pipe.acquire();
            try {
                int rc = WindowsNatives.writeHandle(h, b, off, len);
                if (rc != 0) {
                    throw new IOException("writing to the child's input failed: "
                            + NativeSignals.errorText(rc) + " (Windows error " + rc + ")");
                }
            } finally {
                pipe.release();
            }
        }

        @Override
        public void close() {
            cleanable.clean();
        }
    }

    /** getOutputStream() when stdin is not a pipe, as the JDK's: writing fails. */
    private static final class ClosedOutputStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("Stream closed: the child's stdin is redirected, not a pipe");
        }
    }
}

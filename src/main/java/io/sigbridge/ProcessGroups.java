package io.sigbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import io.sigbridge.internal.GroupKill;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.ProcessTable;
import io.sigbridge.internal.WindowsGroupProcess;

/**
 * Child processes that can be stopped the way a person at a terminal would: start one as the
 * leader of a new process group, interrupt the whole group, or terminate it gracefully and only
 * then force it.
 *
 * <p>POSIX: {@link #start} runs the command through a tiny shim shipped in the jar
 * ({@code sigbridge-exec}: {@code setpgid(0, 0)}, then {@code exec}), so the JDK's own
 * ProcessBuilder still starts it and every redirect, the environment and the directory are
 * honoured; the child keeps its pid and leads a group of the same number. {@link #interrupt}
 * sends SIGINT to that group, {@link #terminate} SIGTERM and, after the grace period, SIGKILL.
 *
 * <p>Windows: {@link #start} calls CreateProcessW itself with CREATE_NEW_PROCESS_GROUP (the
 * JDK cannot) and puts the child, before it runs, into a Job Object of its own, so whatever it
 * starts is in the job too. The {@link Process} it returns honours the builder's command (each
 * argument quoted for the C runtime's parser), directory, environment and redirects;
 * {@code destroy()} and {@code destroyForcibly()} kill the whole job (TerminateJobObject).
 * {@link #interrupt} sends CTRL_BREAK_EVENT to the child's group (the only console event that
 * can be aimed at a group), {@link #terminate} CTRL_BREAK_EVENT and, after the grace period,
 * TerminateJobObject. A process started any other way has no group of its own:
 * {@link #interrupt} refuses it ({@link NotAGroupLeaderException}), {@link #terminate} posts
 * WM_CLOSE to its top-level windows, as {@code taskkill /PID} does, and ends it with
 * {@code TerminateProcess} after the grace. The job is not JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE:
 * as with the JDK's processes (and process groups on POSIX) the child outlives this JVM if left
 * running.
 */
public final class ProcessGroups {
    private static final String EXEC_SHIM = "sigbridge-exec";
    private static final int ESRCH = 3;

    /** Processes started here, so interrupt/terminate know to address their group. */
    private static final Map<Process, Boolean> GROUP_LEADERS =
            Collections.synchronizedMap(new WeakHashMap<>());
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sigbridge-process-groups");
        t.setDaemon(true);
        return t;
    });
    private static Path shim;

    private ProcessGroups() {}

    /**
     * Starts {@code builder}'s command as the leader of a new process group. The returned
     * {@link Process} is the JDK's own: {@code pid()}, {@code onExit()}, {@code toHandle()} and the
     * streams behave as for {@code builder.start()}.
     *
     * @param builder the command, directory, environment and redirects to use
     * @return the started process, leader of its own group (its pgid is its pid)
     * @throws IllegalArgumentException for an empty command
     * @throws IOException when the command cannot be started
     */
    public static Process start(ProcessBuilder builder) throws IOException {
        Objects.requireNonNull(builder, "builder");
        List<String> command = builder.command();
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("the command is empty: nothing to start");
        }
        if (Platform.current() == Platform.WINDOWS) {
            return WindowsGroupProcess.start(builder, false);
        }
        requirePosix("start a child in a new process group");
        requireRunnable(command.get(0), builder);
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(shimPath().toString());
        wrapped.addAll(command);
        ProcessBuilder copy = new ProcessBuilder(wrapped)
                .directory(builder.directory())
                .redirectInput(builder.redirectInput())
                .redirectOutput(builder.redirectOutput())
                .redirectError(builder.redirectError())
                .redirectErrorStream(builder.redirectErrorStream());
        copy.environment().clear();
        copy.environment().putAll(builder.environment());
        Process process = copy.start();
        awaitGroupLeader(process);
        GROUP_LEADERS.put(process, Boolean.TRUE);
        return process;
    }

    /**
     * Returns once the child leads its group, so a signal sent to the group right after start
     * reaches it. The JDK may start children through an exec'd launcher (jspawnhelper), after
     * which the parent's own setpgid fails with EACCES; then the shim's setpgid is what counts.
     */
    private static void awaitGroupLeader(Process process) throws IOException {
        long pid = process.pid();
        int rc = NativeSignals.setpgid(pid, pid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.isAlive() && NativeSignals.getpgid(pid) != pid) {
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("process " + pid + " did not become the leader of a new"
                        + " process group within 10 s (setpgid: " + NativeSignals.errorText(rc) + ")");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * {@return whether {@code process} was started by {@link #start}} (so it leads its own group)
     *
     * @param process any process
     */
    public static boolean isGroupLeader(Process process) {
        return process instanceof WindowsGroupProcess || GROUP_LEADERS.containsKey(process);
    }

    /**
     * Interrupts {@code process} as Ctrl-C at a terminal would: SIGINT to its whole group when
     * {@link #start} started it, otherwise SIGINT to the process alone. Windows: CTRL_BREAK_EVENT
     * to its group (CTRL_C cannot be aimed at a group); the child's console handler, or its C
     * runtime's SIGBREAK, sees it; a child without either ends (STATUS_CONTROL_C_EXIT).
     *
     * <p>On POSIX a child inherits the signals this JVM ignores: started in the background by a
     * non-interactive shell, or under nohup, this JVM has SIGINT ignored, and so has the child, on
     * which SIGINT then does nothing.
     *
     * @param process the process to interrupt
     * @throws NoSuchProcessException when the process has already exited
     * @throws NotAGroupLeaderException on Windows, for a process {@link #start} did not start
     * @throws NoConsoleException on Windows, when this process has no console (the child's)
     */
    public static void interrupt(Process process) {
        requireAlive(process);
        if (Platform.current() == Platform.WINDOWS) {
            Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, windowsGroup(process, "interrupted").pid());
            return;
        }
        requirePosix("interrupt a process");
        signal(process, Signal.INT);
    }

    /**
     * Asks {@code process} (and its group, when {@link #start} started it) to end with SIGTERM,
     * and kills the group with SIGKILL if anything of it is still running after {@code grace}.
     * The future completes when the process has exited and no member of its group is left
     * running (zombies count as ended).
     *
     * <p>Windows, a child {@link #start} started: CTRL_BREAK_EVENT to the group, then
     * TerminateJobObject (the whole tree) if the process or anything in its job still runs after
     * {@code grace}. Any other process: WM_CLOSE to its top-level windows (what
     * {@code taskkill /PID} does; a JVM with a sigbridge TERM handler sees it as TERM), then
     * {@link Process#destroyForcibly()} ({@code TerminateProcess}, that process alone) if it still
     * runs after {@code grace}. When the request cannot be delivered (CTRL_BREAK: no console, or
     * Wine; WM_CLOSE: no window, {@link NoWindowException}), the grace is waited for all the same
     * and the process killed; {@link Termination#gracefulRequestFailure()} says why and
     * {@link Termination#request()} which path ran. {@link Termination#signal()} is empty on
     * Windows.
     *
     * @param process the process to end
     * @param grace how long to wait after the graceful request (SIGTERM; Windows: CTRL_BREAK or
     *     WM_CLOSE) before the hard kill, positive
     * @return how it ended, once it has
     * @throws IllegalArgumentException for a zero or negative grace
     * @throws NoSuchProcessException when the process has already exited
     */
    public static CompletableFuture<Termination> terminate(Process process, Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("the grace period must be positive, not " + grace
                    + "; to kill at once use Process.destroyForcibly()");
        }
        requireAlive(process);
        if (Platform.current() == Platform.WINDOWS) {
            return terminateWindows(process, grace);
        }
        requirePosix("terminate a process gracefully");
        long started = System.nanoTime();
        long deadline = started + grace.toNanos();
        boolean group = isGroupLeader(process);
        AtomicBoolean killed = new AtomicBoolean();
        CompletableFuture<Termination> result = new CompletableFuture<>();
        signal(process, Signal.TERM);
        Runnable check = new Runnable() {
            @Override
            public void run() {
                try {
                    boolean leaderDone = !process.isAlive();
                    boolean groupDone = !group || !ProcessTable.available()
                            || ProcessTable.runningMembers(process.pid()).isEmpty();
                    if (leaderDone && groupDone) {
                        process.waitFor();
                        result.complete(new Termination(process.pid(), process.exitValue(),
                                killed.get(), Duration.ofNanos(System.nanoTime() - started)));
                        return;
                    }
                    if (System.nanoTime() >= deadline && !killed.getAndSet(true)) {
                        GroupKill.kill(process, group);
                    } else if (killed.get()) {
                        GroupKill.kill(process, group); // whatever is left after the first SIGKILL, e.g. late forks
                    }
                    TIMER.schedule(this, 10, TimeUnit.MILLISECONDS);
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }
        };
        TIMER.schedule(check, 1, TimeUnit.MILLISECONDS);
        return result;
    }

    /**
     * Windows. A child of {@link #start}: CTRL_BREAK to its group, and the job killed (again while
     * anything is left: late starts) from the deadline on; it has ended when it and its job are
     * empty. Any other process: WM_CLOSE to its windows (taskkill /PID), then TerminateProcess.
     */
    private static CompletableFuture<Termination> terminateWindows(Process process, Duration grace) {
        if (process instanceof WindowsGroupProcess) {
            WindowsGroupProcess group = (WindowsGroupProcess) process;
            return terminateWindows(group, grace, Termination.Request.CTRL_BREAK,
                    () -> Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, group.pid()),
                    () -> !group.isAlive() && group.runningInJob() == 0,
                    () -> {
                        int rc = GroupKill.kill(group, true);
                        if (rc != 0) {
                            throw Errors.fromCode("cannot kill the job of process " + group.pid(), rc);
                        }
                    });
        }
        return terminateWindows(process, grace, Termination.Request.WM_CLOSE,
                () -> WindowsSend.postClose(process.pid()), () -> !process.isAlive(),
                process::destroyForcibly);
    }

    private static CompletableFuture<Termination> terminateWindows(Process process, Duration grace,
            Termination.Request request, Runnable gracefulRequest, BooleanSupplier ended,
            Runnable kill) {
        long started = System.nanoTime();
        long deadline = started + grace.toNanos();
        RuntimeException failure = null;
        try {
            gracefulRequest.run();
        } catch (RuntimeException e) {
            failure = e; // no console or window, or Wine: the grace, then the kill all the same
        }
        RuntimeException requestFailure = failure;
        AtomicBoolean killed = new AtomicBoolean();
        CompletableFuture<Termination> result = new CompletableFuture<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                try {
                    if (ended.getAsBoolean()) {
                        result.complete(new Termination(process.pid(), process.exitValue(),
                                killed.get(), Duration.ofNanos(System.nanoTime() - started),
                                request, requestFailure));
                        return;
                    }
                    if (killed.get() || System.nanoTime() >= deadline) {
                        killed.set(true);
                        kill.run();
                    }
                    TIMER.schedule(this, 10, TimeUnit.MILLISECONDS);
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }
        };
        TIMER.schedule(check, 1, TimeUnit.MILLISECONDS);
        return result;
    }

    private static WindowsGroupProcess windowsGroup(Process process, String what) {
        if (process instanceof WindowsGroupProcess) {
            return (WindowsGroupProcess) process;
        }
        throw new NotAGroupLeaderException("process " + process.pid() + " cannot be " + what
                + " on Windows: it was not started by ProcessGroups.start, so it does not lead a"
                + " process group of its own. CTRL_BREAK_EVENT reaches only a group made with"
                + " CREATE_NEW_PROCESS_GROUP (ProcessBuilder cannot make one), and CTRL_C_EVENT"
                + " cannot be aimed at a group at all, only at every process on the console,"
                + " this one included. Start it with ProcessGroups.start(ProcessBuilder) instead,"
                + " or send CTRL_C to its whole console with Signals.send(pid, Signal.INT);"
                + " ProcessGroups.terminate asks it to close its windows (WM_CLOSE);"
                + " Process.destroy() is the JDK's hard kill (TerminateProcess).", process.pid());
    }

    private static void signal(Process process, Signal signal) {
        try {
            if (isGroupLeader(process)) {
                Signals.sendToGroup(process.pid(), signal);
            } else {
                Signals.send(process.pid(), signal);
            }
        } catch (NoSuchProcessException e) {
            if (process.isAlive()) {
                throw e;
            }
            throw new NoSuchProcessException("process " + process.pid() + " has already exited",
                    e.errorCode());
        }
    }

    /**
     * The shim would report a missing program as exit status 127; ProcessBuilder.start() throws
     * instead, so look the program up first, the way execvp will: a name with a slash as a path
     * (relative to the builder's directory), a bare name on the child's PATH.
     */
    private static void requireRunnable(String program, ProcessBuilder builder) throws IOException {
        if (program.contains("/")) {
            Path path = Path.of(program);
            if (!path.isAbsolute() && builder.directory() != null) {
                path = builder.directory().toPath().resolve(path);
            }
            if (!Files.isExecutable(path) || Files.isDirectory(path)) {
                throw new IOException("Cannot run program \"" + program + "\": no executable file at " + path);
            }
            return;
        }
        String searchPath = builder.environment().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : searchPath.split(":", -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return;
            }
        }
        throw new IOException("Cannot run program \"" + program + "\": not found on PATH " + searchPath);
    }

    private static void requireAlive(Process process) {
        Objects.requireNonNull(process, "process");
        if (!process.isAlive()) {
            throw new NoSuchProcessException("process " + process.pid() + " has already exited"
                    + " (status " + process.exitValue() + "): there is nothing to signal", ESRCH);
        }
    }

    private static void requirePosix(String what) {
        if (!Platform.current().isPosix()) {
            throw new UnsupportedOperationException("sigbridge cannot " + what + " on "
                    + Platform.current());
        }
    }

    private static synchronized Path shimPath() throws IOException {
        if (shim == null) {
            NativeLibrary.load();
            shim = NativeLibrary.extract(EXEC_SHIM, true);
        }
        return shim;
    }
}

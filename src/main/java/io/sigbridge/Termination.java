package io.sigbridge;

import java.time.Duration;
import java.util.Optional;

/** How a process ended after {@link ProcessGroups#terminate(Process, Duration)}. */
public final class Termination {
    /** The graceful request {@link ProcessGroups#terminate} made before the grace period. */
    public enum Request {
        /**
         * POSIX: SIGTERM to the process group of a child {@link ProcessGroups#start} started, or
         * to the process alone; SIGKILL after the grace.
         */
        SIGTERM,
        /**
         * Windows: CTRL_BREAK_EVENT to the process group of a child {@link ProcessGroups#start}
         * started; {@code TerminateJobObject} (the child and everything in its job) after the
         * grace.
         */
        CTRL_BREAK,
        /**
         * Windows: {@code WM_CLOSE} to the top-level windows of a process {@link
         * ProcessGroups#start} did not start, as {@code taskkill /PID} does; the JDK's
         * {@link Process#destroyForcibly()} ({@code TerminateProcess}, that process alone) after
         * the grace.
         */
        WM_CLOSE
    }

    private final long pid;
    private final int exitStatus;
    private final boolean killed;
    private final Duration elapsed;
    private final Request request;
    private final RuntimeException requestFailure;

    Termination(long pid, int exitStatus, boolean killed, Duration elapsed) {
        this(pid, exitStatus, killed, elapsed, Request.SIGTERM, null);
    }

    Termination(long pid, int exitStatus, boolean killed, Duration elapsed, Request request,
            RuntimeException requestFailure) {
        this.request = request;
        this.pid = pid;
        this.exitStatus = exitStatus;
        this.killed = killed;
        this.elapsed = elapsed;
        this.requestFailure = requestFailure;
    }

    /** {@return the pid of the process (the group leader)} */
    public long pid() {
        return pid;
    }

    /**
     * The exit status as {@link Process#exitValue()} reports it: on POSIX 128+n when the process
     * died of signal n (so 143 after TERM, 137 after KILL).
     *
     * @return the exit status
     */
    public int exitStatus() {
        return exitStatus;
    }

    /** {@return whether it ended within the grace period, after the graceful request alone} */
    public boolean endedGracefully() {
        return !killed;
    }

    /** {@return whether the grace period ran out and the group (or job) was killed} */
    public boolean wasKilled() {
        return killed;
    }

    /**
     * The signal that ended it, read from the exit status as the JDK reports it (128+n) on
     * POSIX; a process that called {@code exit(143)} itself looks the same. Empty on Windows and
     * for statuses of 128 or less.
     *
     * @return the signal, or empty
     */
    public Optional<Signal> signal() {
        if (!io.sigbridge.internal.Platform.current().isPosix() || exitStatus <= 128
                || exitStatus >= 128 + 65) {
            return Optional.empty();
        }
        try {
            return Optional.of(Signal.ofNumber(exitStatus - 128));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Which graceful request was made, and so what the hard end after the grace was: SIGTERM on
     * POSIX; on Windows CTRL_BREAK for a child of {@link ProcessGroups#start}, WM_CLOSE for any
     * other process.
     *
     * @return the request
     */
    public Request request() {
        return request;
    }

    /**
     * Why the graceful request could not be delivered, when it could not: on Windows
     * CTRL_BREAK_EVENT needs a console shared with the child ({@link NoConsoleException}), and
     * Wine 8 does not propagate it at all ({@link SignalException}, Windows error 6); WM_CLOSE
     * needs a top-level window ({@link NoWindowException}). The grace period was waited for all
     * the same before the process was killed.
     *
     * @return the failure, or empty when the request was sent
     */
    public Optional<RuntimeException> gracefulRequestFailure() {
        return Optional.ofNullable(requestFailure);
    }

    /** {@return the time from the graceful request to the end of the whole group} */
    public Duration elapsed() {
        return elapsed;
    }

    @Override
    public String toString() {
        return "Termination[pid " + pid + ", exit " + exitStatus
                + signal().map(s -> " (" + s + ")").orElse("") + ", " + request
                + (killed ? ", killed after the grace period" : ", ended gracefully")
                + (requestFailure != null ? " (the graceful request failed: "
                        + requestFailure.getMessage() + ")" : "")
                + ", after " + elapsed.toMillis() + " ms]";
    }
}

package io.sigbridge;

import java.time.Duration;
import java.util.Optional;

/** How a process ended after {@link ProcessGroups#terminate(Process, Duration)}. */
public final class Termination {
    private final long pid;
    private final int exitStatus;
    private final boolean killed;
    private final Duration elapsed;
    private final RuntimeException requestFailure;

    Termination(long pid, int exitStatus, boolean killed, Duration elapsed) {
        this(pid, exitStatus, killed, elapsed, null);
    }

    Termination(long pid, int exitStatus, boolean killed, Duration elapsed,
            RuntimeException requestFailure) {
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
     * Why the graceful request could not be delivered, when it could not: on Windows
     * CTRL_BREAK_EVENT needs a console shared with the child ({@link NoConsoleException}), and
     * Wine 8 does not propagate it at all ({@link SignalException}, Windows error 6). The grace
     * period was waited for all the same before the job was killed.
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
                + signal().map(s -> " (" + s + ")").orElse("")
                + (killed ? ", killed after the grace period" : ", ended gracefully")
                + (requestFailure != null ? " (the graceful request failed: "
                        + requestFailure.getMessage() + ")" : "")
                + ", after " + elapsed.toMillis() + " ms]";
    }
}

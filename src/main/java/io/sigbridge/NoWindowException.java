package io.sigbridge;

/**
 * Windows: {@link Signals#send(long, Signal) Signals.send(pid, Signal.TERM)} (or
 * {@link ProcessGroups#terminate} of a process it did not start) found no top-level window of
 * the process to post {@code WM_CLOSE} to, so nothing can ask it to close; this is the case in
 * which {@code taskkill /PID} says a process "can only be terminated forcefully". A JVM has a
 * window while it has a sigbridge handler of TERM, CTRL_CLOSE, CTRL_LOGOFF or CTRL_SHUTDOWN;
 * windows on another desktop (services) cannot be seen.
 */
public class NoWindowException extends SignalException {
    private static final long serialVersionUID = 1L;
    /** The process that has no window. */
    private final long pid;

    /**
     * @param message what could not be sent, and why
     * @param errorCode sigbridge's error code
     * @param pid the process
     */
    public NoWindowException(String message, int errorCode, long pid) {
        super(message, errorCode);
        this.pid = pid;
    }

    /** {@return the process that has no window} */
    public long pid() {
        return pid;
    }
}

package io.sigbridge;

/**
 * Windows: a console event cannot be sent because this process has no console (it was started
 * without one, as services and most CI jobs are, or detached from it). Console events only
 * reach processes that share a console.
 */
public class NoConsoleException extends SignalException {
    private static final long serialVersionUID = 1L;

    /**
     * {@code GenerateConsoleCtrlEvent} failed for want of a console.
     *
     * @param message what could not be sent
     * @param errorCode the Windows error
     */
    public NoConsoleException(String message, int errorCode) {
        super(message, errorCode);
    }
}

package io.sigbridge;

/** This process may not signal the target (EPERM): another user's process, without privilege. */
public class SignalPermissionException extends SignalException {
    private static final long serialVersionUID = 1L;

    /**
     * The operating system refused the signal.
     *
     * @param message which target
     * @param errorCode the {@code errno} (EPERM)
     */
    public SignalPermissionException(String message, int errorCode) {
        super(message, errorCode);
    }
}

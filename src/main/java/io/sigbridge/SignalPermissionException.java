package io.sigbridge;

/** This process may not signal the target (EPERM): another user's process, without privilege. */
public class SignalPermissionException extends SignalException {
    private static final long serialVersionUID = 1L;

    public SignalPermissionException(String message, int errorCode) {
        super(message, errorCode);
    }
}

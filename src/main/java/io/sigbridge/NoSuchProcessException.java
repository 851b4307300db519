package io.sigbridge;

/** The target process or process group does not exist (ESRCH). */
public class NoSuchProcessException extends SignalException {
    private static final long serialVersionUID = 1L;

    public NoSuchProcessException(String message, int errorCode) {
        super(message, errorCode);
    }
}

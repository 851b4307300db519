package io.sigbridge;

/** The target process or process group does not exist (ESRCH). */
public class NoSuchProcessException extends SignalException {
    private static final long serialVersionUID = 1L;

    /**
     * The target is gone or never was.
     *
     * @param message which target
     * @param errorCode the {@code errno} (ESRCH)
     */
    public NoSuchProcessException(String message, int errorCode) {
        super(message, errorCode);
    }
}

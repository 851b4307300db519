package io.sigbridge;

/** A signal operation the operating system refused, with its error code and text. */
public class SignalException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errorCode;

    public SignalException(String message) {
        this(message, 0);
    }

    public SignalException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public SignalException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = 0;
    }

    /** The {@code errno} (or Windows error) behind it, 0 when there is none. */
    public int errorCode() {
        return errorCode;
    }
}

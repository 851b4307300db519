package io.sigbridge;

/** A signal operation the operating system refused, with its error code and text. */
public class SignalException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** @serial the {@code errno} (or Windows error), 0 when there is none */
    private final int errorCode;

    /**
     * A failure without an error code.
     *
     * @param message what failed
     */
    public SignalException(String message) {
        this(message, 0);
    }

    /**
     * A failure the operating system reported.
     *
     * @param message what failed, with the error's text
     * @param errorCode the {@code errno} (or Windows error)
     */
    public SignalException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * A failure caused by another exception.
     *
     * @param message what failed
     * @param cause the exception behind it
     */
    public SignalException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = 0;
    }

    /** {@return the {@code errno} (or Windows error) behind it, 0 when there is none} */
    public int errorCode() {
        return errorCode;
    }
}

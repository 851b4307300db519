package io.sigbridge;

/** The native library could not be found or loaded on this platform; the message says how to fix it. */
public class NativeLibraryException extends SignalException {
    private static final long serialVersionUID = 1L;

    public NativeLibraryException(String message) {
        super(message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}

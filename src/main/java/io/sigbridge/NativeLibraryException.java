package io.sigbridge;

/** The native library could not be found or loaded on this platform; the message says how to fix it. */
public class NativeLibraryException extends SignalException {
    private static final long serialVersionUID = 1L;

    /**
     * No library, or an unusable one.
     *
     * @param message what is missing and how to build or point to a library
     */
    public NativeLibraryException(String message) {
        super(message);
    }

    /**
     * Loading failed.
     *
     * @param message what failed and how to fix it
     * @param cause the error of the attempt ({@link UnsatisfiedLinkError}, an I/O error)
     */
    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}

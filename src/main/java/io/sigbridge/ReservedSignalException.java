package io.sigbridge;

/**
 * sigbridge refuses to handle (or raise) this signal: the operating system or the JVM owns it.
 * {@link #reason()} says who and why. Nothing was installed.
 */
public class ReservedSignalException extends SignalException {
    private static final long serialVersionUID = 1L;
    private final transient Signal signal;
    private final String reason;

    public ReservedSignalException(Signal signal, String reason) {
        super(signal + " is reserved: " + reason);
        this.signal = signal;
        this.reason = reason;
    }

    public Signal signal() {
        return signal;
    }

    public String reason() {
        return reason;
    }
}

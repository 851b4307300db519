package io.sigbridge;

/**
 * sigbridge refuses to handle (or raise) this signal: the operating system or the JVM owns it.
 * {@link #reason()} says who and why. Nothing was installed.
 */
public class ReservedSignalException extends SignalException {
    private static final long serialVersionUID = 1L;
    private final transient Signal signal;
    /** @serial who owns the signal and why */
    private final String reason;

    /**
     * A refusal to use {@code signal}.
     *
     * @param signal the reserved signal
     * @param reason who owns it and why, for the message and {@link #reason()}
     */
    public ReservedSignalException(Signal signal, String reason) {
        super(signal + " is reserved: " + reason);
        this.signal = signal;
        this.reason = reason;
    }

    /** {@return the reserved signal (null after deserialization)} */
    public Signal signal() {
        return signal;
    }

    /** {@return who owns the signal and why sigbridge leaves it alone} */
    public String reason() {
        return reason;
    }
}

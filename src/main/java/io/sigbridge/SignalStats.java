package io.sigbridge;

/**
 * The accounting behind one signal since the library loaded. When no signal is in flight,
 * {@code invocations() == delivered() + coalesced()}, always.
 */
public final class SignalStats {
    private final Signal signal;
    private final long invocations;
    private final long delivered;
    private final long coalesced;

    SignalStats(Signal signal, long invocations, long delivered, long coalesced) {
        this.signal = signal;
        this.invocations = invocations;
        this.delivered = delivered;
        this.coalesced = coalesced;
    }

    public Signal signal() {
        return signal;
    }

    /** Times sigbridge's native handler ran for this signal. */
    public long invocations() {
        return invocations;
    }

    /** Events handed to the dispatcher. */
    public long delivered() {
        return delivered;
    }

    /** Invocations folded into a delivered event because the ring was full. */
    public long coalesced() {
        return coalesced;
    }

    @Override
    public String toString() {
        return signal + ": invocations=" + invocations + " delivered=" + delivered
                + " coalesced=" + coalesced;
    }
}

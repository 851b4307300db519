package io.sigbridge;

import java.util.Optional;

/**
 * The accounting behind one signal since the library loaded. When no signal is in flight,
 * {@code invocations() == delivered() + coalesced()}, always.
 */
public final class SignalStats {
    private final Signal signal;
    private final long invocations;
    private final long delivered;
    private final long coalesced;
    private final ConsoleEvent consoleEvent;

    SignalStats(Signal signal, long invocations, long delivered, long coalesced) {
        this(signal, null, invocations, delivered, coalesced);
    }

    /** Windows: the counts of one console event ({@link Signals#stats(ConsoleEvent)}). */
    SignalStats(Signal signal, ConsoleEvent consoleEvent, long invocations, long delivered,
            long coalesced) {
        this.consoleEvent = consoleEvent;
        this.signal = signal;
        this.invocations = invocations;
        this.delivered = delivered;
        this.coalesced = coalesced;
    }

    /** {@return the signal these counts are of} */
    public Signal signal() {
        return signal;
    }

    /**
     * {@return the console event these counts are of, for {@link Signals#stats(ConsoleEvent)};
     * empty for a signal's}
     */
    public Optional<ConsoleEvent> consoleEvent() {
        return Optional.ofNullable(consoleEvent);
    }

    /** {@return how many times sigbridge's native handler ran for this signal} */
    public long invocations() {
        return invocations;
    }

    /** {@return how many events were handed to the dispatcher} */
    public long delivered() {
        return delivered;
    }

    /** {@return how many invocations were folded into a delivered event because the ring was full} */
    public long coalesced() {
        return coalesced;
    }

    @Override
    public String toString() {
        return (consoleEvent != null ? consoleEvent + " (" + signal + ")" : signal) + ": invocations=" + invocations + " delivered=" + delivered
                + " coalesced=" + coalesced;
    }
}

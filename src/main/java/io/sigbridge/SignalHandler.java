package io.sigbridge;

/**
 * Code to run when a signal arrives.
 *
 * <p>It runs on the {@code sigbridge-dispatch} thread (or on the {@link java.util.concurrent.Executor}
 * given at registration), never in signal context and never on a thread started for the
 * signal, so it may allocate, lock, log and call any Java API. It should return promptly: the
 * one dispatcher serves every signal, and while it is busy further deliveries wait in the ring
 * (and, when that fills, are counted as {@link SignalEvent#coalesced() coalesced}, never lost).
 * A thrown exception is logged through {@link System.Logger} and does not stop the other
 * handlers or the dispatcher.
 */
@FunctionalInterface
public interface SignalHandler {
    /**
     * Called once per event of the signal it is registered for.
     *
     * @param event the delivery (or deliveries, see {@link SignalEvent#coalesced()})
     * @throws Exception anything; it is logged and the dispatcher goes on
     */
    void handle(SignalEvent event) throws Exception;
}

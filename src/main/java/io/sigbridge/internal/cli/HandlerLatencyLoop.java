package io.sigbridge.internal.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The signal-to-Java-handler loop, the same shape as the C floor in {@code native/bench}: take
 * the time, send the signal ({@code kill()} of this process back to back, or {@code raise()}
 * after a gap, so that the receiver is asleep), and block until the handler has taken its own
 * time and woken the sender. One signal is in flight at a time, so a standard signal never
 * merges with the next and every sample is one delivery.
 *
 * <p>The handler side ({@link #handled(long)}) may run on any thread (sigbridge's dispatcher,
 * or the thread {@code sun.misc.Signal} starts for each signal); it only writes two volatile
 * fields and unparks the sender.
 */
final class HandlerLatencyLoop {
    /** Long enough for a loaded machine, short enough that a lost signal does not look like a hang. */
    static final long ROUND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Sends the signal once (kill of this process). */
    @FunctionalInterface
    interface Sender {
        void send();
    }

    private volatile Thread waiter;
    private volatile long handledAt;
    private volatile long capturedAt;
    // Written by the handler after handledAt and capturedAt, read by the waiter before them: the
    // volatile order makes the two times of round n visible once round n is.
    private volatile long rounds;

    /**
     * Called by the handler. {@code captureNanos} is the native capture time when the contender
     * has one (sigbridge's {@code SignalEvent.nanoTime()}), otherwise 0.
     */
    void handled(long captureNanos) {
        handledAt = System.nanoTime();
        capturedAt = captureNanos;
        rounds = rounds + 1; // one writer at a time: the sender waits for each round
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Latencies of one run: kill to Java handler, and kill to native capture (0 when unknown). */
    static final class Samples {
        final long[] toHandler;
        final long[] toCapture;

        Samples(int count) {
            toHandler = new long[count];
            toCapture = new long[count];
        }
    }

    /**
     * Sends {@code warmup + count} signals, one at a time, each {@code gapNanos} after the
     * previous one was handled (0: at once), and stores the latencies of the last {@code count}
     * into {@code into} from index {@code from} on.
     */
    void run(String contender, int warmup, Samples into, int from, int count, long gapNanos,
            Sender sender) {
        waiter = Thread.currentThread();
        try {
            for (int i = 0; i < warmup + count; i++) {
                pause(gapNanos);
                long expected = rounds + 1;
                long sentAt = System.nanoTime();
                sender.send();
                long deadline = sentAt + ROUND_TIMEOUT_NANOS;
                while (rounds < expected) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException(contender + ": the handler did not run"
                                + " within " + TimeUnit.NANOSECONDS.toSeconds(ROUND_TIMEOUT_NANOS)
                                + " s of signal " + (i + 1) + " (was the signal blocked or"
                                + " its handler replaced?)");
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new IllegalStateException(contender + ": interrupted"); // park would spin
                    }
                    LockSupport.parkNanos(this, left);
                }
                if (i >= warmup) {
                    long captured = capturedAt;
                    into.toHandler[from + i - warmup] = handledAt - sentAt;
                    into.toCapture[from + i - warmup] = captured == 0 ? 0 : captured - sentAt;
                }
            }
        } finally {
            waiter = null;
        }
    }

    /** Sleeps (parks) at least {@code nanos}: the handler's thread falls asleep meanwhile. */
    private static void pause(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

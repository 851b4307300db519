package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.SignalStats;
import io.sigbridge.Signals;

/**
 * A slow handler (about 1 ms per event) for every signal named in the arguments, meant to run
 * with a tiny ring ({@code -Dsigbridge.ring.size=8}) so that floods fold deliveries.
 *
 * <p>Command {@code quiesce NAME EXPECTED}: waits (bounded) until the accounting of NAME is at
 * rest, with EXPECTED invocations unless EXPECTED is -1, then prints the native counters next to
 * what the handler saw. Command {@code exit} ends the child with status 0.
 */
public final class FloodChild {
    private FloodChild() {}

    /** What the handler saw of one signal. */
    static final class Seen {
        final AtomicLong events = new AtomicLong();
        final AtomicLong represented = new AtomicLong(); // sum of 1 + coalesced()
        final AtomicLong withCoalesced = new AtomicLong();
        final AtomicLong folded = new AtomicLong();
        final AtomicLong badSequence = new AtomicLong();
        volatile long lastSequence;

        void record(SignalEvent e) {
            if (e.sequence() <= lastSequence) {
                badSequence.incrementAndGet();
            }
            lastSequence = e.sequence();
            if (e.coalesced() > 0) {
                withCoalesced.incrementAndGet();
            }
            if (e.isFolded()) {
                folded.incrementAndGet();
            }
            represented.addAndGet(1 + e.coalesced());
            events.incrementAndGet();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        for (String name : args) {
            Signal signal = Signal.named(name);
            Seen s = new Seen();
            seen.put(signal.name(), s);
            Signals.handle(signal, e -> {
                s.record(e);
                Thread.sleep(1);
            });
            say("HANDLING " + signal.name() + " number=" + signal.number());
        }
        ChildIo.ready();
        for (;;) {
            String[] command = ChildIo.command().split(" ");
            if (command[0].equals("exit")) {
                System.exit(0);
            } else if (command[0].equals("quiesce") && command.length == 3) {
                Signal signal = Signal.named(command[1]);
                quiesce(signal, seen.get(signal.name()), Long.parseLong(command[2]));
            } else {
                say("UNKNOWN command " + String.join(" ", command));
            }
        }
    }

    /**
     * Polls until the counters and the handler agree and stay unchanged for a moment, or 20 s
     * pass; then prints them either way: the test asserts, this only waits.
     */
    private static void quiesce(Signal signal, Seen s, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String report;
        String previous = null;
        boolean atRest;
        do {
            SignalStats stats = Signals.stats(signal);
            report = "STATS signal=" + signal.name() + " invocations=" + stats.invocations()
                    + " delivered=" + stats.delivered() + " coalesced=" + stats.coalesced()
                    + " events=" + s.events.get() + " represented=" + s.represented.get()
                    + " withCoalesced=" + s.withCoalesced.get() + " folded=" + s.folded.get()
                    + " badSequence=" + s.badSequence.get();
            boolean consistent = (expected < 0 || stats.invocations() == expected)
                    && stats.invocations() == stats.delivered() + stats.coalesced()
                    && s.events.get() == stats.delivered()
                    && s.represented.get() == stats.invocations();
            atRest = consistent && report.equals(previous);
            previous = consistent ? report : null;
            if (!atRest) {
                Thread.sleep(consistent ? 100 : 10);
            }
        } while (!atRest && System.nanoTime() < deadline);
        say(report + " atRest=" + atRest);
    }
}

package io.sigbridge.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.SignalStats;
import io.sigbridge.Signals;

/**
 * The bench's burst and flood: other processes ({@code sigbridge-helper burst}, one for a burst,
 * several at once for a flood) sigqueue a real-time signal COUNT times in all with the values
 * 0..COUNT-1, as fast as the kernel takes them, and this process accounts for every one: events
 * delivered to the Java handler, deliveries coalesced into them when the native ring was full,
 * values out of order, duplicated or missing, and whether each event names a helper as its
 * sender.
 */
final class Burst {
    /** After the helper ended, how long the counts may stand still before we report what came. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** And how long we wait at most, even while events still trickle in. */
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private Burst() {}

    /**
     * The handler: runs on the {@code sigbridge-dispatch} thread only. It is synchronized so the
     * bench thread can take a consistent snapshot; uncontended, that costs next to nothing.
     */
    static final class Receiver {
        private final int count;
        private final BitSet seen;
        // sender pid -> events: the helper's pid is known only once it runs, and its first
        // signals may arrive before start() returns, so the check is made at the end
        private final Map<Long, Long> senders = new HashMap<>();
        private long events;
        private long coalesced;
        private long folded;
        private long withValue;
        private long duplicates;
        private long outOfRange;
        private long outOfOrder;
        private long largestStepBack;
        private int lastValue = -1;
        private long firstCapture;
        private long lastCapture;
        private long lastHandled;
        private long longestLag; // capture to this handler: how far the dispatcher fell behind

        Receiver(int count) {
            this.count = count;
            this.seen = new BitSet(count);
        }

        synchronized void accept(SignalEvent e) {
            long now = System.nanoTime();
            if (events == 0) {
                firstCapture = e.nanoTime();
            }
            events++;
            coalesced += e.coalesced();
            lastCapture = e.nanoTime();
            lastHandled = now;
            longestLag = Math.max(longestLag, now - e.nanoTime());
            if (e.isFolded()) {
                folded++; // no siginfo survived: no value, no sender to check
                return;
            }
            if (e.senderPid().isPresent()) {
                senders.merge(e.senderPid().getAsLong(), 1L, Long::sum);
            }
            if (e.value().isEmpty()) {
                return;
            }
            withValue++;
            int v = e.value().getAsInt();
            if (v < 0 || v >= count) {
                outOfRange++;
                return;
            }
            if (seen.get(v)) {
                duplicates++;
            }
            seen.set(v);
            if (v <= lastValue) {
                outOfOrder++; // the helper sent them strictly increasing
                largestStepBack = Math.max(largestStepBack, lastValue - v);
            }
            lastValue = v;
        }

        /** Deliveries this handler has accounted for: its events plus what they stand for. */
        synchronized long represented() {
            return events + coalesced;
        }

        synchronized Report report(List<HelperProcess.BurstOutcome> sent, SignalStats before,
                SignalStats after, boolean settled) {
            long fromSenders = sent.stream().mapToLong(o -> senders.getOrDefault(o.pid, 0L)).sum();
            return new Report(sent, count, events, coalesced, folded, withValue,
                    count - seen.cardinality(), duplicates, outOfRange, outOfOrder, largestStepBack,
                    fromSenders,
                    lastCapture - firstCapture, lastHandled - firstCapture, longestLag,
                    after.invocations() - before.invocations(),
                    after.delivered() - before.delivered(),
                    after.coalesced() - before.coalesced(), settled);
        }
    }

    /** What one burst came to. */
    static final class Report {
        final List<HelperProcess.BurstOutcome> senders;
        final int requested;
        final long events;
        final long coalesced;
        final long folded;
        final long withValue;
        final long missing;
        final long duplicates;
        final long outOfRange;
        final long outOfOrder;
        final long largestStepBack;
        final long fromSender;
        final long captureSpanNanos;
        final long handledSpanNanos;
        final long longestLagNanos;
        final long nativeInvocations;
        final long nativeDelivered;
        final long nativeCoalesced;
        final boolean settled;
        final int ringCapacity = Bench.ringCapacity();

        Report(List<HelperProcess.BurstOutcome> senders, int requested, long events, long coalesced,
                long folded, long withValue, long missing, long duplicates, long outOfRange,
                long outOfOrder, long largestStepBack, long fromSender, long captureSpanNanos,
                long handledSpanNanos, long longestLagNanos, long nativeInvocations,
                long nativeDelivered, long nativeCoalesced, boolean settled) {
            this.senders = senders;
            this.requested = requested;
            this.events = events;
            this.coalesced = coalesced;
            this.folded = folded;
            this.withValue = withValue;
            this.missing = missing;
            this.duplicates = duplicates;
            this.outOfRange = outOfRange;
            this.outOfOrder = outOfOrder;
            this.largestStepBack = largestStepBack;
            this.fromSender = fromSender;
            this.captureSpanNanos = captureSpanNanos;
            this.handledSpanNanos = handledSpanNanos;
            this.longestLagNanos = longestLagNanos;
            this.nativeInvocations = nativeInvocations;
            this.nativeDelivered = nativeDelivered;
            this.nativeCoalesced = nativeCoalesced;
            this.settled = settled;
        }

        /** {@code what}: "burst" or "flood", the first word of the report. */
        void print(String what, Signal signal, PrintStream out) {
            out.printf(Locale.ROOT, "%s: %d x SIG%s(%d) sigqueue'd with values 0..%d; ring of %d"
                    + " entries%n", what, requested, signal.name(), signal.number(), requested - 1,
                    ringCapacity);
            long sent = senders.stream().mapToLong(o -> o.sent).sum();
            long retries = senders.stream().mapToLong(o -> o.retries).sum();
            long nanos = senders.stream().mapToLong(o -> o.nanos).max().orElse(0);
            String pids = senders.stream().map(o -> Long.toString(o.pid))
                    .collect(java.util.stream.Collectors.joining(","));
            out.printf(Locale.ROOT, "  sent          %d  by %d sender%s, pid %s (EAGAIN retries %d,"
                    + " %s ms, %s signals/s sender side)%n", sent, senders.size(),
                    senders.size() == 1 ? "" : "s", pids, retries, millis(nanos), rate(sent, nanos));
            out.printf(Locale.ROOT, "  delivered     %d events  coalesced %d  (folded events %d);"
                    + " native stats: invocations %d = delivered %d + coalesced %d%n", events,
                    coalesced, folded, nativeInvocations, nativeDelivered, nativeCoalesced);
            out.printf(Locale.ROOT, "  values        out-of-order %d (largest step back %d)"
                    + "  duplicates %d  missing %d  out-of-range %d  (%d events carried a value;"
                    + " coalesced deliveries carry none)%n", outOfOrder, largestStepBack,
                    duplicates, missing, outOfRange, withValue);
            out.printf(Locale.ROOT, "  sender pid    %d of %d events name a helper%n",
                    fromSender, events - folded);
            out.printf(Locale.ROOT, "  received      %s signals/s receive side (%d deliveries"
                    + " captured over %s ms; last Java handler %s ms after the first capture)%n",
                    rate(events + coalesced, captureSpanNanos), events + coalesced,
                    millis(captureSpanNanos), millis(handledSpanNanos));
            double perNano = captureSpanNanos > 0 ? (double) (events + coalesced) / captureSpanNanos : 0;
            out.printf(Locale.ROOT, "  behind        at most %s ms from capture to handler, about %d"
                    + " deliveries at the receive rate (the ring holds %d)%n", millis(longestLagNanos),
                    Math.round(longestLagNanos * perNano), ringCapacity);
            if (!settled) {
                out.printf(Locale.ROOT, "  INCOMPLETE    %d of %d deliveries arrived before the"
                        + " wait gave up%n", events + coalesced, sent);
            }
        }

        private static String millis(long nanos) {
            return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
        }

        private static String rate(long n, long nanos) {
            if (nanos <= 0) {
                return "-";
            }
            double perSecond = n * 1e9 / nanos;
            return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.2f M", perSecond / 1e6)
                    : String.format(Locale.ROOT, "%.0f k", perSecond / 1e3);
        }
    }

    /**
     * Runs {@code count} sigqueues of {@code signal} from {@code senders} helper processes at
     * once (values split into consecutive ranges) and reports them.
     */
    static Report run(HelperProcess helper, Signal signal, int count, int senders)
            throws IOException, InterruptedException {
        Receiver receiver = new Receiver(count);
        SignalStats before = Signals.stats(signal);
        Registration registration = Signals.handle(signal, receiver::accept);
        boolean settled = false;
        try {
            long self = ProcessHandle.current().pid();
            List<HelperProcess.Started> started = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                int first = (int) ((long) count * i / senders);
                int next = (int) ((long) count * (i + 1) / senders);
                started.add(helper.startBurst(self, signal.number(), next - first, first));
            }
            List<HelperProcess.BurstOutcome> outcomes = new ArrayList<>();
            for (HelperProcess.Started s : started) {
                outcomes.add(HelperProcess.burstOutcome(s.finish()));
            }
            long sent = outcomes.stream().mapToLong(o -> o.sent).sum();
            settled = awaitAccounting(receiver, signal, before, sent);
            return receiver.report(outcomes, before, Signals.stats(signal), settled);
        } finally {
            if (settled) {
                registration.close();
            }
            // Not settled: some deliveries may still be on their way, and closing would put
            // back the default action of a real-time signal, which ends the process. The
            // handler stays until the JVM exits.
        }
    }

    /**
     * Waits until the handler has accounted for every sent signal and the native counters agree
     * (invocations == delivered + coalesced, and the handler saw all of those), or until the
     * counts stood still for {@link #SETTLE_NANOS}, or {@link #DEADLINE_NANOS} passed.
     */
    private static boolean awaitAccounting(Receiver receiver, Signal signal, SignalStats before,
            long sent) throws InterruptedException {
        long start = System.nanoTime();
        long lastChange = start;
        long lastSeen = -1;
        while (System.nanoTime() - start < DEADLINE_NANOS) {
            SignalStats now = Signals.stats(signal);
            long invocations = now.invocations() - before.invocations();
            long accounted = now.delivered() - before.delivered() + now.coalesced() - before.coalesced();
            long represented = receiver.represented();
            if (invocations >= sent && accounted == invocations && represented == accounted) {
                return true;
            }
            if (represented != lastSeen) {
                lastSeen = represented;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > SETTLE_NANOS) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }
}

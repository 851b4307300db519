package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;

/**
 * 10,000 real-time signals queued by another process with the values 0..9999: the kernel queues
 * every one, the native handler captures every one into the default ring (65536), and the
 * dispatcher hands every one over exactly once, with its value and the helper's pid, none
 * coalesced, with gap-free sequence numbers, and the accounting balances.
 *
 * <p><b>Global order is measured and printed, not asserted, because it does not hold; the order
 * per receiving thread ({@link SignalEvent#nativeThreadId()}) is asserted.</b> The kernel
 * dequeues a real-time signal's queue in FIFO order, but it hands process-directed signals to
 * any thread that does not block them, and while one thread runs the handler the signal is
 * blocked on that thread, so the next delivery goes to another thread. Between the kernel's
 * dequeue and the handler's ring claim a thread can be preempted; the others go on. On the
 * 2-core development machine every one of the 176 bursts measured had inversions (1..1,551
 * adjacent pairs out of 10,000), values displaced by up to 9,927 positions, while 23-24 JVM
 * threads ran the handler per burst and not one inversion showed among the events of one
 * thread: the reordering is entirely the race between threads. siginfo carries no kernel sequence
 * number, so no user-space code can restore the send order: senders that need it must number
 * their values, as this test does. {@code -Dsigbridge.test.burst.rounds=20} repeats the burst.
 *
 * <p><b>Overflow.</b> A ring of 4096 (the default before issue 14; now 65536, which holds the
 * whole burst) absorbs about 31 ms of this burst (about 130,000 captures a second). A dispatcher stopped longer than that makes later deliveries coalesce, by design
 * counted and never lost. Until the dispatcher kept the served signals blocked on its own thread
 * it ran up to 38% of the handlers itself and could be caught running them for a whole burst
 * (4,097 events, 5,903 coalesced, twice in a row); since then 0 of 40 warm bursts overflowed,
 * and 1 of 24 without the warm-up (a cold JVM's second burst). So the dispatch path is warmed up
 * once and the heap collected before each burst; a burst that overflows anyway must still
 * account for every delivery and the next one must go through without a fold.
 */
class RealtimeBurstTest {
    static final int COUNT = 10_000;
    /** -Dsigbridge.test.burst.rounds=N repeats the burst N times (each a fresh registration). */
    static final String ROUNDS_PROPERTY = "sigbridge.test.burst.rounds";
    private static final int ROUNDS = Integer.getInteger(ROUNDS_PROPERTY, 3);

    /** Signals of the warm-up burst, which runs once per JVM and is only accounted, not judged. */
    static final int WARM_UP = 5_000;

    /**
     * A cold JVM runs the dispatcher's Java code interpreted and is often still compiling, and a
     * young-generation pause stops the dispatcher (not the native handlers) for 10-30 ms on a
     * loaded 2-core machine; at about 130,000 captures per second a 4096-slot ring fills in about
     * 31 ms. So the dispatch path is warmed up once, and the heap collected before each measured
     * burst: what is measured is the steady state. The warm-up still has to account for every
     * delivery, folded or not.
     */
    @BeforeAll
    static void warmUpTheDispatchPath() throws Exception {
        Signal rt = Signal.realtime(2);
        SignalStats before = Signals.stats(rt);
        AtomicLong accounted = new AtomicLong();
        AtomicLong coalesced = new AtomicLong();
        CountDownLatch all = new CountDownLatch(1);
        Registration warmUp = Signals.handle(rt, e -> {
            coalesced.addAndGet(e.coalesced());
            if (accounted.addAndGet(1 + e.coalesced()) == WARM_UP) {
                all.countDown();
            }
        });
        boolean quiet = false;
        try (ChildProcess sender = ChildProcess.helper("burst", TestProcesses.ourPid(),
                rt.number(), WARM_UP).start()) {
            sender.awaitSuccess();
            assertTrue(all.await(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS), "the warm-up burst"
                    + " accounted for " + accounted.get() + " of " + WARM_UP + " deliveries");
            quiet = TestProcesses.awaitNotPending(rt);
            SignalStats after = TestProcesses.awaitQuiescentStats(rt);
            assertEquals(WARM_UP, after.invocations() - before.invocations(), "warm-up invocations");
            System.out.printf("warm-up %s: %d deliveries, %d of them coalesced%n", rt, WARM_UP,
                    coalesced.get());
        } finally {
            if (quiet || TestProcesses.awaitNotPending(rt)) {
                warmUp.close();
            }
        }
    }

    @RepeatedTest(value = 3, name = "burst {currentRepetition}/{totalRepetitions}")
    void tenThousandQueuedRealtimeSignalsArriveOnceEachWithTheirValues(RepetitionInfo info)
            throws Exception {
        for (int round = 0; round < roundsFor(info); round++) {
            Signal rt = Signal.realtime(2 + (round % 3));
            if (burst(rt)) {
                // The ring overflowed although the dispatch path was warm: the machine starved
                // the dispatcher for more than ~31 ms. That burst still had to account for every
                // delivery (checked in burst); one more must then go through without a fold.
                System.out.printf("burst %s: the ring overflowed, repeating it once%n", rt);
                assertFalse(burst(rt), "the ring of the default size overflowed in two bursts of "
                        + COUNT + " in a row");
            }
        }
    }

    /** Spreads the -D rounds over the repetitions; without the property, one round each. */
    private static int roundsFor(RepetitionInfo info) {
        int base = ROUNDS / info.getTotalRepetitions();
        return base + (info.getCurrentRepetition() <= ROUNDS % info.getTotalRepetitions() ? 1 : 0);
    }

    /**
     * One burst of {@link #COUNT}; asserts everything that must hold even when the ring
     * overflowed, and returns whether it did (some delivery was coalesced).
     */
    private static boolean burst(Signal rt) throws Exception {
        assertTrue(rt.isRealtime());
        Signals.stats(rt); // starts the dispatcher, which creates the ring
        int[] info = new int[4];
        NativeSignals.platformInfo(info);
        assertEquals(System.getProperty("sigbridge.ring.size") == null ? 65536 : info[3], info[3],
                "the default ring capacity");
        int[] values = new int[COUNT];
        long[] pids = new long[COUNT];
        long[] sequences = new long[COUNT];
        long[] coalesced = new long[COUNT];
        boolean[] folded = new boolean[COUNT];
        long[] threads = new long[COUNT];
        int[] received = new int[1];
        CountDownLatch all = new CountDownLatch(COUNT);
        System.gc(); // an empty young generation: no collection pause in the middle of the burst
        SignalStats before = Signals.stats(rt);

        // Runs on the dispatcher only; the latch orders its writes before the reads below.
        Registration registration = Signals.handle(rt, e -> {
            int i = received[0]++;
            if (i < COUNT) {
                values[i] = e.value().orElse(-1);
                pids[i] = e.senderPid().orElse(-1);
                sequences[i] = e.sequence();
                coalesced[i] = e.coalesced();
                folded[i] = e.isFolded();
                threads[i] = e.nativeThreadId().orElse(-1);
            }
            for (long k = 0; k <= e.coalesced(); k++) {
                all.countDown(); // an event standing for several counts for all of them
            }
        });
        boolean quiet = false;
        try (ChildProcess sender = ChildProcess.helper("burst", TestProcesses.ourPid(),
                rt.number(), COUNT).start()) {
            String report = sender.awaitSuccess();
            boolean done = all.await(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS);
            quiet = TestProcesses.awaitNotPending(rt);
            SignalStats after = TestProcesses.awaitQuiescentStats(rt);
            assertTrue(done, "only " + (COUNT - all.getCount()) + " of " + COUNT + " deliveries of "
                    + rt + " were accounted for within " + TestProcesses.WAIT_SECONDS + " s; sender: "
                    + report + "; " + after);
            int events = received[0];
            assertTrue(events <= COUNT, events + " events for " + COUNT + " sigqueue calls");

            // Nothing lost: every delivery is an event or counted in one; every value that came
            // came once, from the helper.
            long accounted = 0;
            long totalCoalesced = 0;
            boolean[] seen = new boolean[COUNT];
            int outOfOrder = 0;
            int firstOutOfOrder = -1;
            int maxDisplacement = 0;
            int previous = -1;
            java.util.Map<Long, Integer> lastValueOfThread = new java.util.HashMap<>();
            for (int i = 0; i < events; i++) {
                accounted += 1 + coalesced[i];
                totalCoalesced += coalesced[i];
                if (i > 0) {
                    assertEquals(sequences[i - 1] + 1, sequences[i], "sequence of event " + i
                            + ": the dispatcher delivers in ring order, without gaps");
                }
                if (folded[i]) {
                    assertEquals(-1, values[i], "a folded event has no value");
                    continue;
                }
                int v = values[i];
                assertTrue(v >= 0 && v < COUNT, "event " + i + " has value " + v + ", never sent");
                assertFalse(seen[v], "value " + v + " arrived twice");
                seen[v] = true;
                assertEquals(sender.pid(), pids[i], "sender pid of event " + i);
                // The order that does hold: one thread dequeues its deliveries in FIFO order and
                // captures them in that order, so per receiving thread the values only grow.
                assertTrue(threads[i] > 0, "event " + i + " names the thread that received it");
                Integer last = lastValueOfThread.put(threads[i], v);
                assertTrue(last == null || last < v, "thread " + threads[i] + " received value " + v
                        + " after " + last + ": out of order within one thread");
                if (v < previous) {
                    outOfOrder++;
                    firstOutOfOrder = firstOutOfOrder < 0 ? i : firstOutOfOrder;
                }
                previous = v;
                maxDisplacement = Math.max(maxDisplacement, Math.abs(v - i));
            }
            assertEquals(COUNT, accounted, "events plus coalesced deliveries");
            assertEquals(COUNT, after.invocations() - before.invocations(), "handler invocations");
            assertEquals(events, after.delivered() - before.delivered(), "delivered events");
            assertEquals(totalCoalesced, after.coalesced() - before.coalesced(), "coalesced deliveries");
            assertEquals(after.invocations(), after.delivered() + after.coalesced(),
                    "invocations == delivered + coalesced: " + after);

            System.out.printf("burst %s: sender [%s], %d events, %d coalesced, %d receiving threads,"
                    + " out-of-order pairs %d, max displacement %d%s%n", rt, report.trim(), events,
                    totalCoalesced, lastValueOfThread.size(), outOfOrder,
                    maxDisplacement, firstOutOfOrder < 0 ? ""
                            : ", first around " + TestProcesses.describe(values, firstOutOfOrder));
            if (totalCoalesced > 0) {
                return true;
            }
            assertEquals(COUNT, events, "one event per sigqueue call");
            for (int v = 0; v < COUNT; v++) {
                assertTrue(seen[v], "value " + v + " never arrived");
            }
            return false;
        } finally {
            // The default action of a real-time signal ends the JVM: close only once nothing of
            // the burst can still be pending (the sender is dead by now, see ChildProcess.close).
            if (quiet || TestProcesses.awaitNotPending(rt)) {
                registration.close();
            } else {
                fail(rt + " is still pending after the sender ended: leaving its handler installed"
                        + " so that the test JVM survives");
            }
        }
    }
}

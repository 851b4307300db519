package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sigbridge.internal.NativeSignals;
import org.junit.jupiter.api.Test;

/** Subscriptions: blocking take/poll, several signals, the bounded queue's folding, close. */
class SubscriptionTest {
    private static final Duration WAIT = Duration.ofSeconds(TestProcesses.WAIT_SECONDS);

    @Test
    void takeAndPollReturnEventsOfSeveralSignalsInDeliveryOrder() throws Exception {
        Signal rt = Signal.realtime(6);
        long winchBefore = handlerOf(Signal.WINCH);
        long rtBefore = handlerOf(rt);
        SignalSubscription sub = Signals.subscribe(Signal.WINCH, rt, Signal.WINCH);
        try {
            assertEquals(Set.of(Signal.WINCH, rt), sub.signals());
            assertEquals(NativeSignals.DISPOSITION_SIGBRIDGE, NativeSignals.disposition(rt.number()));
            assertNull(sub.poll(Duration.ZERO), "nothing was sent yet");

            // raise(3) runs the handler in this thread before it returns; a signal sent to the
            // process (kill, sigqueue, even to ourselves) may be taken by any thread, later: so
            // each is waited for before the next is sent.
            Signals.raise(Signal.WINCH);
            SignalEvent first = sub.take();
            Signals.send(TestProcesses.ourPid(), rt, 42);
            SignalEvent second = sub.poll(WAIT);
            assertNotNull(second, "second event within " + WAIT);
            Signals.raise(Signal.WINCH);
            SignalEvent third = sub.poll(WAIT);
            assertNotNull(third, "third event within " + WAIT);
            assertEquals(Signal.WINCH, first.signal());
            assertEquals(rt, second.signal());
            assertEquals(42, second.value().orElse(-1));
            assertEquals(Signal.WINCH, third.signal());
            assertTrue(first.sequence() < second.sequence() && second.sequence() < third.sequence(),
                    first + ", " + second + ", " + third);
            assertEquals(0, sub.size());
        } finally {
            SenderIdentityTest.closeWhenQuiet(sub, rt);
        }
        assertEquals(winchBefore, handlerOf(Signal.WINCH), "WINCH restored by close");
        assertEquals(rtBefore, handlerOf(rt), rt + " restored by close");
    }

    @Test
    void aFullSubscriptionFoldsEventsAndKeepsTheCount() throws Exception {
        final int raises = 200;
        SignalSubscription sub = Signals.subscribe(2, Signal.WINCH);
        // Registered after the subscription, so on every event it runs after the subscription
        // took it: when it has counted every raise, the subscription has seen all of them.
        AtomicLong dispatched = new AtomicLong();
        CountDownLatch allDispatched = new CountDownLatch(1);
        Registration counter = Signals.handle(Signal.WINCH, e -> {
            if (dispatched.addAndGet(1 + e.coalesced()) == raises) {
                allDispatched.countDown();
            }
        });
        try {
            for (int i = 0; i < raises; i++) {
                Signals.raise(Signal.WINCH);
            }
            assertTrue(allDispatched.await(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS),
                    "the dispatcher accounted for " + dispatched.get() + " of " + raises + " raises");
            assertTrue(sub.size() <= 2, "a capacity-2 subscription to one signal holds " + sub.size());

            List<SignalEvent> taken = new ArrayList<>();
            for (SignalEvent e; (e = sub.poll(Duration.ZERO)) != null;) {
                taken.add(e);
            }
            long total = taken.stream().mapToLong(e -> 1 + e.coalesced()).sum();
            assertEquals(raises, total, "1 + coalesced over the taken events " + taken);
            assertTrue(taken.size() >= 1 && taken.size() <= 2, "taken: " + taken);
            assertTrue(taken.stream().anyMatch(e -> e.coalesced() > 0), "nothing folded: " + taken);
        } finally {
            counter.close();
            sub.close();
        }
    }

    @Test
    void closeStopsDeliveryKeepsQueuedEventsAndIsIdempotent() throws Exception {
        long before = handlerOf(Signal.WINCH);
        SignalSubscription sub = Signals.subscribe(Signal.WINCH);
        CountDownLatch witnessed = new CountDownLatch(3); // three raises below
        Registration witness = Signals.handle(Signal.WINCH, e -> witnessed.countDown());
        try {
            Signals.raise(Signal.WINCH);
            SignalEvent queued = sub.poll(WAIT);
            assertNotNull(queued);
            Signals.raise(Signal.WINCH); // stays queued: nobody takes it before close
            assertTrue(waitForSize(sub, 1), "second event queued within " + WAIT);

            sub.close();
            sub.close();
            assertEquals(Signal.WINCH, sub.take().signal(), "a queued event survives close");
            Signals.raise(Signal.WINCH);
            assertTrue(witnessed.await(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS), "the witness saw all three raises");
            assertEquals(0, sub.size(), "a closed subscription receives nothing");
            assertThrows(IllegalStateException.class, sub::take, "take on a closed, empty subscription");
            assertNull(sub.poll(WAIT), "poll on a closed, empty subscription");
        } finally {
            witness.close();
            sub.close();
        }
        assertEquals(before, handlerOf(Signal.WINCH), "WINCH restored");
    }

    @Test
    void subscribeRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Signals.subscribe(0, Signal.WINCH));
        assertThrows(IllegalArgumentException.class, () -> Signals.subscribe());
    }

    /** Waits for the dispatcher to queue events (the dispatcher runs on its own thread). */
    private static boolean waitForSize(SignalSubscription sub, int size) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sub.size() < size) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.onSpinWait();
            Thread.sleep(1);
        }
        return true;
    }

    /** The handler address while nothing of ours holds {@code s}: never sigbridge's then. */
    private static long handlerOf(Signal s) {
        Signals.stats(s);
        assertNotEquals(NativeSignals.DISPOSITION_SIGBRIDGE, NativeSignals.disposition(s.number()),
                s + " has no registration, yet sigbridge's handler is installed");
        return NativeSignals.handlerAddress(s.number());
    }
}

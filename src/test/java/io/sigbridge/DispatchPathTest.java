package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The dispatcher's path from an event to its handlers, with real raised signals: handlers do not
 * leak interrupts into each other (issue 13 #10), an executor hand-off stays bounded under a flood
 * and counts every delivery (#3), and what dispatching allocates (#2, printed).
 */
class DispatchPathTest {
    private static final int FLOOD = 2000;
    private static final Signal FLOODED = Signal.realtime(4); // queues: every raise is one delivery

    @Test
    void anInterruptOneHandlerLeavesBehindDoesNotReachTheNextHandler() throws Exception {
        CompletableFuture<String> second = new CompletableFuture<>();
        try (Registration interrupting = Signals.handle(Signal.USR1, e -> Thread.currentThread().interrupt());
                Registration sleeping = Signals.handle(Signal.USR1, e -> {
                    boolean interruptedOnEntry = Thread.currentThread().isInterrupted();
                    try {
                        Thread.sleep(20);
                        second.complete("slept; interrupted on entry: " + interruptedOnEntry);
                    } catch (InterruptedException ie) {
                        second.complete("its sleep was interrupted");
                    }
                })) {
            Signals.raise(Signal.USR1);
            assertEquals("slept; interrupted on entry: false", second.get(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS));
            TestProcesses.awaitDispatcherCaughtUp();
        }
    }

    /** A flood at a handler that is held on its executor; returns the deliveries it saw counted. */
    private static long flood(ThreadPoolExecutor executor, int[] largestQueue) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong represented = new AtomicLong();
        AtomicInteger calls = new AtomicInteger();
        SignalStats before = Signals.stats(FLOODED);
        try (Registration r = Signals.handle(FLOODED, e -> {
            release.await();
            represented.addAndGet(1 + e.coalesced());
            calls.incrementAndGet();
        }, executor)) {
            for (int i = 0; i < FLOOD; i++) {
                Signals.raise(FLOODED);
                largestQueue[0] = Math.max(largestQueue[0], executor.getQueue().size());
            }
            TestProcesses.awaitDispatcherCaughtUp(); // every event was handed over by now
            largestQueue[0] = Math.max(largestQueue[0], executor.getQueue().size());
            release.countDown();
            SignalStats after = TestProcesses.awaitQuiescentStats(FLOODED);
            long delivered = after.invocations() - before.invocations();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestProcesses.WAIT_SECONDS);
            while (represented.get() < delivered && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            System.out.println(FLOOD + " raised, " + delivered + " delivered: " + calls.get()
                    + " handler calls on the executor, largest executor queue " + largestQueue[0]);
            assertEquals(FLOOD, delivered);
            return represented.get();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aSlowHandlerOnAnExecutorHasOneTaskInFlightAndCountsEveryDelivery() throws Exception {
        int[] largestQueue = {0};
        ThreadPoolExecutor single = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        assertEquals(FLOOD, flood(single, largestQueue));
        assertTrue(largestQueue[0] <= 1, "tasks queued at once: " + largestQueue[0]);
    }

    @Test
    void aBoundedExecutorGetsNoMoreThanItTakesAndNothingIsLost() throws Exception {
        int[] largestQueue = {0};
        ThreadPoolExecutor bounded = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1),
                new ThreadPoolExecutor.AbortPolicy());
        assertEquals(FLOOD, flood(bounded, largestQueue));
    }

    /** HotSpot's per-thread allocation counter, through the platform MBean server. */
    private static long allocatedBytes(long threadId) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName(ManagementFactory.THREAD_MXBEAN_NAME),
                "getThreadAllocatedBytes", new Object[] {threadId}, new String[] {long.class.getName()});
    }

    @Test
    void dispatchingAllocatesLittleMoreThanTheEvent() throws Exception {
        // Printed, not asserted: bytes the dispatcher thread allocates per delivery to a handler
        // that keeps nothing (HotSpot's per-thread allocation counter).
        long dispatcher = Dispatcher.get().thread().getId();
        AtomicInteger seen = new AtomicInteger();
        try (Registration r = Signals.handle(FLOODED, e -> seen.incrementAndGet())) {
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT too
                TestProcesses.awaitDispatcherCaughtUp();
                int start = seen.get();
                long bytes = allocatedBytes(dispatcher);
                for (int i = 0; i < FLOOD; i++) {
                    Signals.raise(FLOODED);
                }
                while (seen.get() < start + FLOOD) {
                    Thread.sleep(1);
                }
                long per = (allocatedBytes(dispatcher) - bytes) / FLOOD;
                System.out.println("round " + round + ": the dispatcher allocated " + per + " bytes per delivery");
            }
        }
    }
}

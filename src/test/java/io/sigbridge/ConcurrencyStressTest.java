package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;

/**
 * Eight threads install and remove WINCH handlers and subscriptions as fast as they can while
 * another process floods WINCH, and a second process floods USR1 at one long-lived
 * registration. Nothing may throw, everything must finish, both signals must be received, the
 * accounting must hold, sigbridge's handler must be installed whenever a thread holds an open
 * registration, and WINCH must end up with exactly the disposition it started with.
 */
class ConcurrencyStressTest {
    private static final int THREADS = 8;
    private static final int FLOOD_MILLIS = 2000;

    @Test
    void registeringAndClosingUnderAFloodKeepsDispositionAndAccounting() throws Exception {
        Signals.stats(Signal.WINCH);
        long winchHandler = NativeSignals.handlerAddress(Signal.WINCH.number());
        int winchDisposition = NativeSignals.disposition(Signal.WINCH.number());
        SignalStats winchBefore = Signals.stats(Signal.WINCH);

        AtomicLong usr1Seen = new AtomicLong();      // every USR1 delivery the handler saw
        AtomicLong usr1FromFlood = new AtomicLong(); // those sent by the flooder
        AtomicLong floodPid = new AtomicLong(-1);
        AtomicLong winchSeen = new AtomicLong();
        AtomicLong cycles = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Registration usr1Handler = Signals.handle(Signal.USR1, e -> {
            usr1Seen.addAndGet(1 + e.coalesced());
            if (e.senderPid().orElse(-2) == floodPid.get()) {
                usr1FromFlood.addAndGet(1 + e.coalesced());
            }
        });
        // Events of earlier tests still in the ring go first; from here on every USR1 the
        // native handler counts is dispatched to usr1Handler.
        TestProcesses.awaitDispatcherCaughtUp();
        SignalStats usr1Before = Signals.stats(Signal.USR1);
        List<Thread> threads = new ArrayList<>();
        try (ChildProcess winchFlood = ChildProcess.helper("flood", TestProcesses.ourPid(),
                Signal.WINCH.number(), FLOOD_MILLIS).start();
             ChildProcess usr1Flood = ChildProcess.helper("flood", TestProcesses.ourPid(),
                Signal.USR1.number(), FLOOD_MILLIS).start()) {
            floodPid.set(usr1Flood.pid()); // its first events may be dispatched before: then not counted
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < THREADS; t++) {
                final boolean subscriber = t % 2 == 1;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        // Churn at least a little, and for as long as either flood runs.
                        for (int i = 0; i < 50 || winchFlood.process().isAlive()
                                || usr1Flood.process().isAlive(); i++) {
                            if (subscriber) {
                                try (SignalSubscription sub = Signals.subscribe(4, Signal.WINCH)) {
                                    assertInstalled("an open subscription");
                                    for (SignalEvent e; (e = sub.poll(Duration.ZERO)) != null;) {
                                        winchSeen.addAndGet(1 + e.coalesced());
                                    }
                                }
                            } else {
                                Registration r = Signals.handle(Signal.WINCH,
                                        e -> winchSeen.addAndGet(1 + e.coalesced()));
                                assertTrue(r.isActive());
                                assertInstalled("an active registration");
                                r.close();
                                r.close();
                            }
                            cycles.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "sigbridge-stress-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            start.countDown();

            String winchReport = winchFlood.awaitSuccess();
            String usr1Report = usr1Flood.awaitSuccess();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(TestProcesses.WAIT_SECONDS));
                assertFalse(thread.isAlive(), thread.getName() + " did not finish within "
                        + TestProcesses.WAIT_SECONDS + " s");
            }
            assertTrue(failures.isEmpty(), "threads failed: " + failures);

            SignalStats winch = TestProcesses.awaitQuiescentStats(Signal.WINCH);
            // A thread can be preempted between the kernel's dequeue of a signal and the handler's
            // count, which neither ShdPnd nor the stats show: wait (bounded) until the handler has
            // seen every USR1 counted since usr1Before, then read the stats again.
            SignalStats usr1 = TestProcesses.awaitQuiescentStats(Signal.USR1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestProcesses.WAIT_SECONDS);
            while (usr1Seen.get() < usr1.invocations() - usr1Before.invocations()
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
                usr1 = TestProcesses.awaitQuiescentStats(Signal.USR1);
            }
            System.out.printf("stress: WINCH flood [%s], USR1 flood [%s], %d cycles, WINCH seen %d,"
                    + " USR1 seen %d; %s; %s%n", winchReport.trim(), usr1Report.trim(), cycles.get(),
                    winchSeen.get(), usr1Seen.get(), winch, usr1);

            assertTrue(cycles.get() >= THREADS * 50L, "cycles: " + cycles.get());
            assertTrue(sentBy(winchReport) > 0 && sentBy(usr1Report) > 0, winchReport + " / " + usr1Report);
            assertTrue(winchSeen.get() > 0, "no WINCH reached a handler or subscription: " + winch);
            assertTrue(usr1Seen.get() > 0, "no USR1 reached the long-lived handler: " + usr1);
            assertEquals(winch.invocations(), winch.delivered() + winch.coalesced(), winch.toString());
            assertEquals(usr1.invocations(), usr1.delivered() + usr1.coalesced(), usr1.toString());
            assertTrue(winch.invocations() > winchBefore.invocations(), winch.toString());
            // Every USR1 counted since usr1Before reached the one long-lived handler, and every
            // flood delivery it saw was counted since then.
            long usr1Counted = usr1.invocations() - usr1Before.invocations();
            assertTrue(usr1Counted <= usr1Seen.get(), usr1Counted + " USR1 counted, the handler saw "
                    + usr1Seen.get() + "; " + usr1);
            assertTrue(usr1FromFlood.get() <= usr1Counted, usr1FromFlood.get() + " from the flood, "
                    + usr1Counted + " counted; " + usr1);
            assertTrue(usr1FromFlood.get() > 0, "no USR1 from the flooder " + floodPid.get() + " seen");
            assertTrue(usr1FromFlood.get() <= sentBy(usr1Report), "more USR1 than kill() calls");

            TestProcesses.awaitDispatcherCaughtUp(); // no flood event may reach later tests
            assertEquals(winchDisposition, NativeSignals.disposition(Signal.WINCH.number()),
                    "WINCH disposition after the churn");
            assertEquals(winchHandler, NativeSignals.handlerAddress(Signal.WINCH.number()),
                    "WINCH handler after the churn");
        } finally {
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(TestProcesses.WAIT_SECONDS));
            }
            // the floods are over (waited for, or killed by close): no USR1 can still come
            SenderIdentityTest.closeWhenQuiet(usr1Handler, Signal.USR1);
        }
    }

    /** While any registration of WINCH is open, sigbridge's handler must be the one installed. */
    private static void assertInstalled(String holder) {
        int d = NativeSignals.disposition(Signal.WINCH.number());
        assertEquals(NativeSignals.DISPOSITION_SIGBRIDGE, d, "WINCH disposition while " + holder
                + " holds it");
    }

    private static long sentBy(String report) {
        String[] words = report.trim().split("\\s+");
        return words.length == 2 && words[0].equals("sent") ? Long.parseLong(words[1]) : -1;
    }
}

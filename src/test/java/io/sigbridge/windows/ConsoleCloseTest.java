package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.sigbridge.Chain;
import io.sigbridge.ConsoleEvent;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.internal.WindowsNatives;

/**
 * CTRL_CLOSE, CTRL_LOGOFF and CTRL_SHUTDOWN come only from the system (closing the console
 * window, logging off), so the console routine is called here directly, on a test thread as on
 * the console's CtrlRoutine thread: it must wait for the Java handlers (at most the grace,
 * -Dsigbridge.console.grace, 1500 ms in this run) and return TRUE only when one consumed the
 * event.
 */
class ConsoleCloseTest {
    private static final long GRACE_MILLIS = Long.getLong("sigbridge.console.grace", 4000);

    @Test
    void closeWaitsForTheTermHandlerAndReturnsTrue() throws Exception {
        AtomicReference<SignalEvent> seen = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        try (Registration r = Signals.handle(Signal.TERM, e -> {
            seen.set(e);
            thread.set(Thread.currentThread().getName());
            Thread.sleep(400);
            finished.countDown();
        })) {
            Signals.stats(Signal.TERM);
            long t0 = System.nanoTime();
            boolean consumed = WindowsNatives.runConsoleRoutineForTest(WindowsNatives.CTRL_CLOSE_EVENT);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(consumed, "a TERM handler consumed CTRL_CLOSE");
            assertEquals(0, finished.getCount(), "the routine returned only after the handler");
            assertTrue(took >= 350, "waited " + took + " ms");
            assertEquals("sigbridge-dispatch", thread.get());
            assertEquals(Signal.TERM, seen.get().signal());
            assertEquals(Optional.of(ConsoleEvent.CTRL_CLOSE), seen.get().consoleEvent());
            assertEquals(2, seen.get().code());
        }
    }

    @Test
    void chainPreviousWaitsAndReturnsFalseSoTheJvmsRoutineRuns() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (Registration r = Signals.handle(ConsoleEvent.CTRL_SHUTDOWN, e -> ran.countDown(),
                Chain.PREVIOUS)) {
            assertFalse(WindowsNatives.runConsoleRoutineForTest(WindowsNatives.CTRL_SHUTDOWN_EVENT));
            assertEquals(0, ran.getCount(), "the handler ran before the routine returned");
        }
    }

    @Test
    void preciseLogoffRegistrationConsumesOnlyLogoff() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<SignalEvent> seen = new AtomicReference<>();
        try (Registration r = Signals.handle(ConsoleEvent.CTRL_LOGOFF, e -> {
            seen.set(e);
            ran.countDown();
        })) {
            assertTrue(WindowsNatives.runConsoleRoutineForTest(WindowsNatives.CTRL_LOGOFF_EVENT));
            assertEquals(Optional.of(ConsoleEvent.CTRL_LOGOFF), seen.get().consoleEvent());
            long t0 = System.nanoTime();
            assertFalse(WindowsNatives.runConsoleRoutineForTest(WindowsNatives.CTRL_CLOSE_EVENT),
                    "nothing claims CTRL_CLOSE: passed on to the JVM");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 1000,
                    "an unclaimed event is passed on at once");
        }
    }

    @Test
    void aSlowHandlerIsWaitedForAtMostTheGrace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Registration r = Signals.handle(ConsoleEvent.CTRL_CLOSE, e -> release.await(30, TimeUnit.SECONDS))) {
            long t0 = System.nanoTime();
            boolean consumed = WindowsNatives.runConsoleRoutineForTest(WindowsNatives.CTRL_CLOSE_EVENT);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            release.countDown();
            assertTrue(consumed, "a consuming registration: TRUE also on time-out");
            assertTrue(took >= GRACE_MILLIS - 100 && took < GRACE_MILLIS + 2000,
                    "returned after " + took + " ms, grace " + GRACE_MILLIS + " ms");
        }
    }
}

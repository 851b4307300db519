package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.sigbridge.ReservedSignalException;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;
import io.sigbridge.testsupport.ChildProcess;

/** The C runtime's signals in this (Windows) JVM. */
class CrtSignalTest {
    private static SignalEvent raiseAndWait(Signal signal, AtomicReference<String> thread)
            throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<SignalEvent> seen = new AtomicReference<>();
        try (Registration r = Signals.handle(signal, e -> {
            thread.set(Thread.currentThread().getName());
            seen.set(e);
            ran.countDown();
        })) {
            Signals.raise(signal);
            assertTrue(ran.await(20, TimeUnit.SECONDS), signal + " handler ran");
        }
        return seen.get();
    }

    @Test
    void raisedTermReachesTheHandlerOnTheDispatchThread() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        long before = System.nanoTime();
        SignalEvent e = raiseAndWait(Signal.TERM, thread);
        assertEquals("sigbridge-dispatch", thread.get());
        assertEquals(Signal.TERM, e.signal());
        assertEquals(15, e.signal().number());
        assertEquals(Optional.empty(), e.consoleEvent(), "a CRT raise, not the console");
        assertTrue(e.nanoTime() >= before && e.nanoTime() <= System.nanoTime());
    }

    @Test
    void raisedIntReachesTheHandlerOnTheDispatchThread() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        SignalEvent e = raiseAndWait(Signal.INT, thread);
        assertEquals("sigbridge-dispatch", thread.get());
        assertEquals(Signal.INT, e.signal());
        assertEquals(Optional.empty(), e.consoleEvent());
    }

    @Test
    void theHandlerIsReinstalledAfterEachDelivery() throws Exception {
        // The CRT resets a handler to SIG_DFL before calling it; a second raise must not end us.
        CountDownLatch twice = new CountDownLatch(2);
        try (Registration r = Signals.handle(Signal.TERM, e -> twice.countDown())) {
            Signals.raise(Signal.TERM);
            Signals.raise(Signal.TERM);
            assertTrue(twice.await(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void faultSignalsAreRefusedWithTheirReason() {
        for (Signal s : List.of(Signal.named("SEGV"), Signal.named("ILL"), Signal.named("FPE"))) {
            ReservedSignalException x = assertThrows(ReservedSignalException.class,
                    () -> Signals.handle(s, e -> { }));
            assertTrue(x.reason().contains("C runtime"), x.reason());
            assertThrows(ReservedSignalException.class, () -> Signals.raise(s));
            assertTrue(Signals.reservation(s).isPresent());
        }
        assertFalse(Signals.reservation(Signal.TERM).isPresent());
    }

    @Test
    void windowsSignalTableAndUnavailableConstants() {
        assertEquals(21, Signal.BREAK.number());
        assertEquals(22, Signal.ABRT.number());
        assertEquals(2, Signal.INT.number());
        assertFalse(Signal.HUP.isAvailable());
        assertFalse(Signal.USR1.isAvailable());
        UnsupportedOperationException x = assertThrows(UnsupportedOperationException.class,
                () -> Signals.handle(Signal.HUP, e -> { }));
        assertTrue(x.getMessage().contains("SIGHUP"), x.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> Signals.raise(Signal.USR1));
        assertFalse(Signal.all().contains(Signal.HUP));
        assertThrows(IllegalArgumentException.class, () -> Signal.named("HUP"));
    }

    @Test
    void signalsOtherThanTermIntAndBreakCannotBeSentToAnotherProcess() throws Exception {
        try (ChildProcess other = ChildProcess.command(TestProcesses.javaExecutable(), "-version").start()) {
            UnsupportedOperationException x = assertThrows(UnsupportedOperationException.class,
                    () -> Signals.send(other.pid(), Signal.ABRT));
            assertTrue(x.getMessage().contains("TERM (WM_CLOSE"), x.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> Signals.send(other.pid(), Signal.HUP));
            assertThrows(UnsupportedOperationException.class, () -> Signals.send(other.pid(), Signal.TERM, 1));
            assertThrows(UnsupportedOperationException.class, () -> Signals.sendToGroup(4242, Signal.TERM));
        }
    }
}

package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sigbridge.ConsoleEvent;
import io.sigbridge.NoConsoleException;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.internal.WindowsNatives;

/** Console control events in this (Windows) JVM. Every CTRL_C sent here has a consuming handler. */
class ConsoleEventTest {
    @BeforeAll
    static void console() {
        WindowsTestSupport.ownConsole();
    }

    @Test
    void ctrlCReachesIntAndConsoleHandlersOnTheDispatchThread() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        AtomicReference<String> intThread = new AtomicReference<>();
        AtomicReference<String> consoleThread = new AtomicReference<>();
        AtomicReference<SignalEvent> seen = new AtomicReference<>();
        try (Registration r = Signals.handle(Signal.INT, e -> {
                    intThread.set(Thread.currentThread().getName());
                    seen.set(e);
                    both.countDown();
                });
                Registration c = Signals.handle(ConsoleEvent.CTRL_C, e -> {
                    consoleThread.set(Thread.currentThread().getName());
                    both.countDown();
                })) {
            long before = System.nanoTime();
            Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
            assertTrue(both.await(20, TimeUnit.SECONDS), "both handlers ran");
            assertEquals("sigbridge-dispatch", intThread.get(), "not the console's CtrlRoutine thread");
            assertEquals("sigbridge-dispatch", consoleThread.get());
            SignalEvent e = seen.get();
            assertEquals(Signal.INT, e.signal());
            assertEquals(Optional.of(ConsoleEvent.CTRL_C), e.consoleEvent());
            assertEquals(0, e.code(), "CTRL_C_EVENT");
            assertTrue(e.nativeThreadId().isPresent(), "the console's CtrlRoutine thread id");
            assertTrue(e.nanoTime() >= before && e.nanoTime() <= System.nanoTime(),
                    "captured on System.nanoTime's clock (QueryPerformanceCounter)");
        }
    }

    @Test
    void consoleEventsThatOnlyTheSystemSendsAreRefused() {
        for (ConsoleEvent e : new ConsoleEvent[] {ConsoleEvent.CTRL_CLOSE, ConsoleEvent.CTRL_LOGOFF,
                ConsoleEvent.CTRL_SHUTDOWN}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> Signals.sendConsoleEvent(e, 0));
            assertTrue(x.getMessage().contains("only the system"), x.getMessage());
        }
    }

    @Test
    void ctrlCOnlyGoesToGroupZero() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, ProcessHandle.current().pid()));
        assertTrue(x.getMessage().contains("group 0") && x.getMessage().contains("CTRL_BREAK"),
                x.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, -1));
    }

    @Test
    void withoutAConsoleSendingSaysSo() {
        try {
            assertEquals(0, WindowsNatives.detachConsoleForTest());
            assertFalse(WindowsNatives.hasConsole());
            NoConsoleException x = assertThrows(NoConsoleException.class,
                    () -> Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0));
            assertTrue(x.getMessage().contains("no console"), x.getMessage());
        } finally {
            WindowsTestSupport.ownConsole();
        }
    }

    @Test
    void ctrlBreakReachesBreakHandlers() throws Exception {
        assumeFalse(WindowsTestSupport.underWine(), WindowsTestSupport.WINE_NO_CTRL_BREAK);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<SignalEvent> seen = new AtomicReference<>();
        try (Registration r = Signals.handle(Signal.BREAK, e -> {
            seen.set(e);
            ran.countDown();
        })) {
            Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, 0);
            assertTrue(ran.await(20, TimeUnit.SECONDS));
            assertEquals(Signal.BREAK, seen.get().signal());
            assertEquals(Optional.of(ConsoleEvent.CTRL_BREAK), seen.get().consoleEvent());
        }
    }

    @Test
    void ctrlBreakToTheGroupOfAChild() throws Exception {
        assumeFalse(WindowsTestSupport.underWine(), WindowsTestSupport.WINE_NO_CTRL_BREAK);
        Path out = WindowsTestSupport.childDirectory("break-group").resolve("child.txt");
        StringBuilder line = new StringBuilder();
        for (String arg : WindowsTestSupport.childCommand("break-group", out)) {
            line.append('"').append(arg).append("\" ");
        }
        long pid = WindowsNatives.startInNewProcessGroupForTest(line.toString().trim());
        assertTrue(pid > 0, "CreateProcess failed: " + (-pid));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!WindowsTestSupport.read(out).contains("ready") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, pid);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        String got = WindowsTestSupport.read(out);
        assertTrue(got.contains("break handler ran console=CTRL_BREAK"), got);
        assertFalse(Files.readString(out).contains("no CTRL_BREAK came"), got);
    }
}

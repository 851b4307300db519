package io.sigbridge.windows;

import static io.sigbridge.windows.Notes.note;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sigbridge.ConsoleEvent;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.WindowsNatives;

/**
 * A child Windows JVM for {@link ExitWindowsTest}: how it ends. Modes: {@code plain} (no
 * sigbridge) and {@code registered} (one TERM handler) note the {@code System.nanoTime()} at
 * which main returns; {@code hooks} raises TERM and generates a CTRL_C from a shutdown hook,
 * after main returned, and notes whether their handlers ran.
 */
public final class ExitWindowsChild {
    private ExitWindowsChild() {}

    public static void main(String[] args) throws Exception {
        Notes.open(Path.of(args[1]));
        switch (args[0]) {
            case "plain":
                break;
            case "registered":
                Signals.handle(Signal.TERM, e -> note("TERM handled"));
                break;
            case "hooks":
                duringTheHooks();
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
        note("main returns at " + System.nanoTime());
    }

    private static void duringTheHooks() {
        NativeLibrary.load();
        int rc = WindowsNatives.reattachConsoleForTest();
        note("console " + (rc == 0 ? "attached" : "failed " + rc));
        CountDownLatch term = new CountDownLatch(1);
        CountDownLatch interrupt = new CountDownLatch(1);
        Signals.handle(Signal.TERM, e -> {
            note("TERM handled on " + Thread.currentThread().getName());
            term.countDown();
        });
        Signals.handle(Signal.INT, e -> {
            note("INT handled on " + Thread.currentThread().getName() + " console="
                    + e.consoleEvent().map(Enum::name).orElse("none"));
            interrupt.countDown();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            note("hook running");
            try {
                Signals.raise(Signal.TERM); // the C runtime's raise: our CRT handler, captured
                note(term.await(20, TimeUnit.SECONDS) ? "hook saw TERM" : "hook gave up on TERM");
                Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
                note(interrupt.await(20, TimeUnit.SECONDS) ? "hook saw INT" : "hook gave up on INT");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "exit-windows-child-hook"));
    }
}

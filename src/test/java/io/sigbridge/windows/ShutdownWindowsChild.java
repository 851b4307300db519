package io.sigbridge.windows;

import static io.sigbridge.windows.Notes.note;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sigbridge.ConsoleEvent;
import io.sigbridge.Shutdown;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.internal.WindowsNatives;

/**
 * A child Windows JVM with a {@link Shutdown}, for {@link ShutdownWindowsTest}: on a console of
 * its own it sends itself CTRL_C (or runs the console routine for CTRL_CLOSE, which only the
 * system sends) and writes, line by line, what the phases and hooks saw into its second argument.
 */
public final class ShutdownWindowsChild {
    private ShutdownWindowsChild() {}

    private static void phase(String name, SignalEvent e) {
        note("phase " + name + " on " + Thread.currentThread().getName() + " signal=" + e.signal().name()
                + " console=" + e.consoleEvent().map(Enum::name).orElse("none"));
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Notes.open(Path.of(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> note("shutdown hook ran")));
        CountDownLatch waiting = new CountDownLatch(1);
        Shutdown.Builder b = Shutdown.builder()
                .phase("a", Duration.ofSeconds(10), e -> phase("a", e))
                .phase("b", Duration.ofSeconds(10), e -> {
                    phase("b", e);
                    if (mode.equals("ctrl-c-twice")) {
                        waiting.countDown();
                        Thread.sleep(60_000);
                    }
                })
                .exitStatus(7);
        if (mode.equals("ctrl-close")) {
            b.delay(Duration.ofSeconds(30)); // skipped: Windows ends the process within 5 s
        }
        b.install();
        int rc = WindowsNatives.reattachConsoleForTest();
        note("console " + (rc == 0 ? "attached" : "failed " + rc));
        switch (mode) {
            case "ctrl-c":
                note("sending CTRL_C");
                Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
                break;
            case "ctrl-c-twice":
                Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
                if (waiting.await(60, TimeUnit.SECONDS)) {
                    note("sending CTRL_C again");
                    Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
                }
                break;
            case "ctrl-close": {
                note("CTRL_CLOSE");
                boolean consumed = WindowsNatives.runConsoleRoutineForTest(WindowsNatives.CTRL_CLOSE_EVENT);
                note("routine returned " + consumed + " (Windows would end the process now)");
                break;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
        Thread.sleep(20_000);
        note("still alive after 20 s");
        System.exit(9);
    }
}

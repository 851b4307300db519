package io.sigbridge.windows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Chain;
import io.sigbridge.ConsoleEvent;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.WindowsNatives;

/**
 * A child Windows JVM for the tests that end a process. It gets a console of its own, so the
 * CTRL_C it generates (group 0) reaches only itself, and writes what happened, line by line,
 * into the file named by its second argument.
 */
public final class WindowsChild {
    private static Path out;

    private WindowsChild() {}

    static synchronized void note(String line) {
        try {
            Files.write(out, (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        out = Path.of(args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> note("shutdown hook ran")));
        switch (mode) {
            case "unclaimed": {
                // The library is loaded and its console routine installed, but nothing claims INT.
                Signals.stats(Signal.INT);
                ctrlC();
                break;
            }
            case "after-close": {
                Registration r = Signals.handle(Signal.INT, e -> note("handler ran"));
                Registration c = Signals.handle(ConsoleEvent.CTRL_C, e -> note("console handler ran"));
                r.close();
                c.close();
                ctrlC();
                break;
            }
            case "chain": {
                Signals.handle(Signal.INT, e -> {
                    note("handler ran on " + Thread.currentThread().getName() + " console="
                            + e.consoleEvent().map(Enum::name).orElse("none"));
                    Thread.sleep(300); // the JVM's handling must wait for this handler
                    note("handler finished");
                }, Chain.PREVIOUS);
                ctrlC();
                break;
            }
            case "msvcrt-pass-on": {
                // Real Windows: msvcrt's console routine runs after ours and turns a CTRL_C we
                // passed on (Chain.PREVIOUS) into its SIGINT, i.e. into our CRT handler. That
                // must not be a second delivery, but the JVM's own handling (exit 130).
                Signals.handle(Signal.INT, e -> note("handler ran (must not)"), Chain.PREVIOUS);
                note("passing CTRL_C on through msvcrt");
                WindowsNatives.passOnCtrlCThroughMsvcrtForTest();
                break;
            }
            case "raise-term-unclaimed": {
                // No sigbridge handler: the raise goes to the JVM's C runtime, whose TERM handler
                // is java.lang.Terminator's (shutdown hooks, exit 143).
                Signals.stats(Signal.TERM);
                note("raising TERM");
                Signals.raise(Signal.TERM);
                break;
            }
            case "abort": {
                Signals.handle(Signal.ABRT, e -> {
                    note("abort handler ran on " + Thread.currentThread().getName());
                    Thread.sleep(300);
                    note("abort handler finished");
                });
                note("calling abort");
                WindowsNatives.abortForTest();
                break;
            }
            case "break-group": {
                // Started with CREATE_NEW_PROCESS_GROUP on the parent's console (real Windows).
                CountDownLatch got = new CountDownLatch(1);
                Signals.handle(Signal.BREAK, e -> {
                    note("break handler ran console="
                            + e.consoleEvent().map(Enum::name).orElse("none"));
                    got.countDown();
                });
                note("ready");
                if (!got.await(60, TimeUnit.SECONDS)) {
                    note("no CTRL_BREAK came");
                }
                return;
            }
            case "run": {
                // `sigbridge run` itself: Main.main exits with the supervised child's status.
                String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
                note("running " + String.join(" ", rest));
                io.sigbridge.internal.cli.Main.main(rest);
                return;
            }
            case "run-ctrlc": {
                // `sigbridge run` on a console where someone presses Ctrl-C (group 0: every
                // process on it; the child, in a new group, has CTRL_C disabled).
                String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
                io.sigbridge.internal.NativeLibrary.load();
                int rc = WindowsNatives.reattachConsoleForTest();
                note("console " + (rc == 0 ? "attached" : "failed " + rc));
                Thread presser = new Thread(() -> {
                    try {
                        Thread.sleep(1500);
                        note("CTRL_C at " + System.nanoTime());
                        Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "presser");
                presser.setDaemon(true);
                presser.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> note("exit at " + System.nanoTime())));
                io.sigbridge.internal.cli.Main.main(rest);
                return;
            }
            case "run-close": {
                // `sigbridge run` receiving CTRL_CLOSE, which only the system sends: the console
                // routine is called on a thread as the console would, once the child runs.
                String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
                io.sigbridge.internal.NativeLibrary.load();
                int rc = WindowsNatives.reattachConsoleForTest();
                note("console " + (rc == 0 ? "attached" : "failed " + rc));
                Thread closer = new Thread(() -> {
                    try {
                        Thread.sleep(1500);
                        note("CTRL_CLOSE at " + System.nanoTime());
                        boolean consumed = WindowsNatives.runConsoleRoutineForTest(
                                WindowsNatives.CTRL_CLOSE_EVENT);
                        note("routine returned " + consumed);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "closer");
                closer.setDaemon(true);
                closer.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> note("exit at " + System.nanoTime())));
                io.sigbridge.internal.cli.Main.main(rest);
                return;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
        // CTRL_C with the JVM's own handling ends the process (exit 130) before this.
        Thread.sleep(20_000);
        note("still alive after 20 s");
        System.exit(7);
    }

    private static void ctrlC() {
        int rc = WindowsNatives.reattachConsoleForTest();
        note("console " + (rc == 0 ? "attached" : "failed " + rc));
        note("sending CTRL_C");
        Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
    }
}

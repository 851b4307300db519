package io.sigbridge.windows;

import static io.sigbridge.windows.Notes.note;

import java.nio.file.Path;
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
    private WindowsChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Notes.open(Path.of(args[1]));
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
            case "term-handler": {
                // Consumes every TERM (taskkill, Signals.send, sigbridge send, terminate) and
                // runs on until told to stop: a close request does not end the JVM.
                Signals.handle(Signal.TERM, e -> note("term handler ran origin=" + e.origin()
                        + " console=" + e.consoleEvent().map(Enum::name).orElse("none")
                        + " code=" + e.code() + " on " + Thread.currentThread().getName()));
                note("ready");
                Notes.awaitStop();
                note("alive at the end");
                return;
            }
            case "term-chain": {
                Signals.handle(Signal.TERM, e -> {
                    note("term handler ran origin=" + e.origin());
                    Thread.sleep(300); // the JVM's TERM handling must wait for this handler
                    note("term handler finished");
                }, Chain.PREVIOUS);
                note("ready");
                Notes.awaitStop();
                note("alive at the end (must not)");
                return;
            }
            case "term-restore": {
                // The window stays for CTRL_SHUTDOWN; TERM's registration closes on the first
                // close request, so the second one gets the JVM's own TERM handling (143).
                Signals.handle(ConsoleEvent.CTRL_SHUTDOWN, e -> note("shutdown handler ran"));
                Registration[] term = new Registration[1];
                term[0] = Signals.handle(Signal.TERM, e -> {
                    term[0].close();
                    note("term handler ran, closed");
                });
                note("ready");
                Notes.awaitStop();
                note("alive at the end (must not)");
                return;
            }
            case "term-gone": {
                // Only TERM wants the window: closing it takes the window away.
                Registration r = Signals.handle(Signal.TERM, e -> note("term handler ran"));
                note("ready");
                while (Signals.stats(Signal.TERM).delivered() == 0) {
                    Thread.sleep(20);
                }
                Thread.sleep(200);
                r.close();
                note("closed");
                Notes.awaitStop();
                note("alive at the end");
                return;
            }
            case "end-session": {
                Signals.handle(ConsoleEvent.CTRL_SHUTDOWN, e -> {
                    note("shutdown handler ran origin=" + e.origin() + " console="
                            + e.consoleEvent().map(Enum::name).orElse("none"));
                    Thread.sleep(700); // the window must not return before this ends
                    note("shutdown handler finished");
                });
                Signals.handle(Signal.TERM, e -> note("term handler ran console="
                        + e.consoleEvent().map(Enum::name).orElse("none")));
                note("ready");
                Notes.awaitStop();
                note("alive at the end");
                return;
            }
            case "logoff": {
                Signals.handle(ConsoleEvent.CTRL_LOGOFF, e -> {
                    note("logoff handler ran origin=" + e.origin() + " code=" + e.code());
                    Thread.sleep(700);
                    note("logoff handler finished");
                });
                note("ready");
                Notes.awaitStop();
                note("alive at the end");
                return;
            }
            case "awt-end-session": {
                // A GUI application: AWT's toolkit turns the end of the session into the JVM's
                // TERM; sigbridge's window must leave it alone.
                java.awt.Toolkit.getDefaultToolkit().getScreenSize();
                Signals.handle(ConsoleEvent.CTRL_SHUTDOWN, e -> note("shutdown handler ran (must not)"));
                note("ready");
                Notes.awaitStop();
                note("alive at the end (must not)");
                return;
            }
            case "raise-abrt": {
                Signals.handle(Signal.ABRT, e -> {
                    note("abrt handler ran on " + Thread.currentThread().getName());
                    Thread.sleep(300);
                    note("abrt handler finished");
                });
                note("raising ABRT");
                Signals.raise(Signal.ABRT);
                note("raise returned (must not)");
                return;
            }
            case "raise-race": {
                // Issue 13: msvcrt resets the handler to SIG_DFL before calling it; a raise of
                // another thread in that gap ended the process with exit code 3.
                int perThread = 100_000;
                java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
                Signals.handle(Signal.TERM, e -> seen.addAndGet(1 + e.coalesced()));
                Thread[] raisers = new Thread[2];
                for (int i = 0; i < raisers.length; i++) {
                    raisers[i] = new Thread(() -> {
                        for (int n = 0; n < perThread; n++) {
                            Signals.raise(Signal.TERM);
                        }
                    });
                    raisers[i].start();
                }
                for (Thread t : raisers) {
                    t.join();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (seen.get() < 2L * perThread && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                note("handlers saw " + seen.get() + " of " + 2 * perThread + "; " + Signals.stats(Signal.TERM));
                return;
            }
            case "folded-ctrl-c": {
                // Issue 13: run with -Dsigbridge.ring.size=2. The first CTRL_C's handler waits
                // until all ten were captured, so the others fold; every one must reach INT.
                int sent = 10;
                java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicBoolean folded = new java.util.concurrent.atomic.AtomicBoolean();
                Signals.handle(Signal.INT, e -> {
                    while (Signals.stats(ConsoleEvent.CTRL_C).invocations() < sent) {
                        Thread.sleep(10);
                    }
                    folded.compareAndSet(false, e.isFolded());
                    seen.addAndGet(1 + e.coalesced());
                });
                int rc = WindowsNatives.reattachConsoleForTest();
                note("console " + (rc == 0 ? "attached" : "failed " + rc));
                for (int i = 1; i <= sent; i++) {
                    // one at a time: Wine merges CTRL_C events generated while one is handled
                    Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (Signals.stats(ConsoleEvent.CTRL_C).invocations() < i
                            && System.nanoTime() < until) {
                        Thread.sleep(5);
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (seen.get() < sent && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                note("INT handlers saw " + seen.get() + " of " + sent + " folded=" + folded.get()
                        + "; " + Signals.stats(ConsoleEvent.CTRL_C));
                return;
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

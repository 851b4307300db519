package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Chain;
import io.sigbridge.FaultReporter;
import io.sigbridge.Registration;
import io.sigbridge.Shutdown;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;

/**
 * A child JVM with a {@link Shutdown}, in the mode named by its first argument; it prints
 * {@code PHASE ...} lines from the phases and {@code HOOK ...} from a JVM shutdown hook, and
 * {@link ShutdownChildTest} kills it with the real {@code kill}.
 */
public final class ShutdownChild {
    private ShutdownChild() {}

    /**
     * Phases a (a second long) and b with exit status 5, then READY; returns once TERM started
     * phase a, so that main goes on while the phases run.
     */
    private static void awaitPhaseA() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Shutdown.builder()
                .phase("a", Duration.ofSeconds(10), e -> {
                    phase("a", e);
                    started.countDown();
                    Thread.sleep(1000);
                    say("PHASE a done");
                })
                .phase("b", Duration.ofSeconds(10), e -> phase("b", e))
                .exitStatus(5)
                .install();
        hook("HOOK ran");
        ChildIo.ready();
        ChildIo.awaitOrExit(started, "TIMEOUT no TERM came");
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        switch (mode) {
            case "order": {
                Shutdown.Builder b = Shutdown.builder()
                        .phase("a", Duration.ofSeconds(10), e -> phase("a", e))
                        .phase("b", Duration.ofSeconds(10), e -> phase("b", e))
                        .phase("c", Duration.ofSeconds(10), e -> phase("c", e));
                if (args.length > 1) {
                    b.exitStatus(Integer.parseInt(args[1]));
                }
                b.install();
                hook("HOOK ran");
                break;
            }
            case "timeout": {
                Shutdown.builder()
                        .phase("throws", Duration.ofSeconds(10), e -> {
                            phase("throws", e);
                            throw new IllegalStateException("boom in a phase");
                        })
                        .phase("slow", Duration.ofMillis(500), e -> {
                            phase("slow", e);
                            try {
                                Thread.sleep(60_000);
                            } catch (InterruptedException x) {
                                say("PHASE slow interrupted");
                            }
                            sleepUninterruptibly(1500);
                            say("PHASE slow still ran to its end");
                        })
                        .phase("after", Duration.ofSeconds(10), e -> phase("after", e))
                        .exitStatus(0)
                        .install();
                hook("HOOK ran");
                break;
            }
            case "deadline": {
                Shutdown.Builder b = Shutdown.builder()
                        .phase("hangs", Duration.ofSeconds(60), e -> {
                            phase("hangs", e);
                            hangInPhase();
                        })
                        .deadline(Duration.ofMillis(1500))
                        .exitStatus(0);
                if (args.length > 1) {
                    b.dumpTo(Path.of(args[1]));
                }
                b.install();
                hook("HOOK ran");
                break;
            }
            case "hook-hangs": {
                Shutdown.builder()
                        .phase("quick", Duration.ofSeconds(10), e -> phase("quick", e))
                        .deadline(Duration.ofMillis(2000))
                        .exitStatus(0)
                        .install();
                hook("HOOK started", () -> sleepUninterruptibly(60_000));
                break;
            }
            case "second": {
                Shutdown.builder()
                        .phase("waits", Duration.ofSeconds(60), e -> {
                            phase("waits", e);
                            Thread.sleep(60_000);
                        })
                        .exitStatus(0)
                        .install();
                hook("HOOK ran");
                break;
            }
            case "second-in-hooks": {
                Shutdown.builder()
                        .phase("quick", Duration.ofSeconds(10), e -> phase("quick", e))
                        .exitStatus(0)
                        .install();
                hook("HOOK started", () -> sleepUninterruptibly(60_000));
                break;
            }
            case "early": {
                Registration early = Shutdown.installEarly();
                say("EARLY active=" + early.isActive());
                ChildIo.ready();
                // "start-up": the test sends TERM now, and says when to go on
                String command;
                while (!(command = ChildIo.command()).equals("install")) {
                    say("ALIVE " + command + " delivered=" + Signals.stats(Signal.TERM).delivered());
                }
                Shutdown.builder()
                        .phase("a", Duration.ofSeconds(10), e -> phase("a", e))
                        .phase("b", Duration.ofSeconds(10), e -> phase("b", e))
                        .exitStatus(0)
                        .install();
                say("INSTALLED early-active=" + early.isActive());
                hook("HOOK ran");
                ChildIo.awaitDeath();
                return;
            }
            case "early-close": {
                Registration early = Shutdown.installEarly();
                hook("HOOK ran");
                ChildIo.ready();
                ChildIo.command(); // the test sent TERM, and waits for it to be held
                early.close();
                ChildIo.awaitDeath();
                return;
            }
            case "once": {
                NativeLibrary.load();
                int term = Signal.TERM.number();
                long before = NativeSignals.handlerAddress(term);
                Registration r = Shutdown.builder().phase("never", Duration.ofSeconds(1),
                        e -> say("PHASE never ran")).install();
                long during = NativeSignals.handlerAddress(term);
                refused("SECOND-INSTALL", () -> Shutdown.builder().install());
                refused("SECOND-EARLY", Shutdown::installEarly);
                r.close();
                say("CLOSED active=" + r.isActive());
                Shutdown.builder().install().close(); // after close a new one may come, and go
                Registration early = Shutdown.installEarly();
                refused("AFTER-EARLY", Shutdown::installEarly);
                early.close();
                long after = NativeSignals.handlerAddress(term);
                say("ADDRESS before=" + Long.toHexString(before) + " during=" + Long.toHexString(during)
                        + " after=" + Long.toHexString(after) + " disposition="
                        + NativeSignals.disposition(term));
                hook("HOOK ran");
                break;
            }
            case "chain": {
                // FaultReporter chains TERM to the JVM's exit; a user handler does too: with the
                // Shutdown installed both still run, and the Shutdown decides how it ends.
                FaultReporter.enable(Path.of(args[1]), Signal.TERM);
                Signals.handle(Signal.TERM, e -> say("USER handler " + ChildIo.describe(e)), Chain.PREVIOUS);
                Shutdown.builder()
                        .phase("a", Duration.ofSeconds(10), e -> phase("a", e))
                        .exitStatus(0)
                        .install();
                hook("HOOK ran");
                break;
            }
            case "exit-in-phase": {
                Shutdown.builder()
                        .phase("exits", Duration.ofSeconds(2), e -> {
                            phase("exits", e);
                            System.exit(7);
                        })
                        .phase("after", Duration.ofSeconds(10), e -> phase("after", e))
                        .exitStatus(0)
                        .install();
                hook("HOOK ran");
                break;
            }
            case "main-returns": {
                awaitPhaseA(); // main returns now, as when a server stops
                say("MAIN returns");
                return;
            }
            case "exit-elsewhere": {
                awaitPhaseA(); // main calls System.exit now
                say("MAIN exits 6");
                System.exit(6);
                return;
            }
            case "jvm-exiting": {
                // The JVM exits for its own reason, and a hook hangs; then TERM comes.
                Shutdown.builder()
                        .phase("never", Duration.ofSeconds(10), e -> phase("never", e))
                        .install();
                hook("HOOK started", () -> sleepUninterruptibly(60_000));
                ChildIo.ready();
                ChildIo.command();
                say("MAIN exits 6");
                System.exit(6);
                return;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
        ChildIo.ready();
        ChildIo.awaitDeath();
    }

    private static void phase(String name, SignalEvent e) {
        say("PHASE " + name + " " + ChildIo.describe(e));
    }

    private static void hook(String line) {
        hook(line, () -> { });
    }

    private static void hook(String line, Runnable then) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say(line);
            then.run();
        }, "child-hook"));
    }

    /** A phase that ignores interrupts: only the deadline ends it. */
    private static void hangInPhase() {
        sleepUninterruptibly(60_000);
    }

    private static void sleepUninterruptibly(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left; (left = end - System.nanoTime()) > 0;) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                // ignored on purpose
            }
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void refused(String label, Action action) {
        try {
            action.run();
            say(label + " accepted");
        } catch (Exception e) {
            say(label + " " + e.getClass().getName() + " cause=" + (e.getCause() != null)
                    + " message=" + e.getMessage());
        }
    }
}

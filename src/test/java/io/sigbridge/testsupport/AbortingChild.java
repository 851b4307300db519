package io.sigbridge.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import io.sigbridge.Chain;
import io.sigbridge.FaultReporter;
import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * A child JVM for the last-gasp tests: {@code AbortingChild MODE DIR}. It writes
 * {@code DIR/handler.txt} from its ABRT handler and {@code DIR/dump.txt} through FaultReporter,
 * prints "READY <pid>" and then does what MODE says.
 */
public final class AbortingChild {
    private AbortingChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        switch (mode) {
            case "native-thread":
            case "several-threads":
            case "raise":
            case "hang-in-handler":
            case "abort-on-dispatcher":
            case "killed-with-abrt":
                // Registered first, so it runs first: the dump after it may take a while.
                Signals.handle(Signal.ABRT, e -> {
                    // Appended: with several aborting threads the process may end while a later
                    // event's handler writes, and a truncating write would empty the file.
                    Files.writeString(dir.resolve("handler.txt"), "ran for " + e.signal()
                            + " tid=" + e.nativeThreadId().orElse(-1) + " thread=" + Thread.currentThread().getName()
                            + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    if (mode.equals("hang-in-handler")) {
                        Thread.sleep(Long.MAX_VALUE);
                    }
                });
                if (!mode.equals("hang-in-handler")) {
                    FaultReporter.enable(dir.resolve("dump.txt"));
                }
                break;
            case "term-previous-default":
                // With -Xrs the previous TERM action is SIG_DFL: run Java, then die by TERM.
                Signals.handle(Signal.TERM, e -> Files.writeString(dir.resolve("handler.txt"), "ran for " + e.signal()),
                        Chain.PREVIOUS);
                break;
            case "usr1-previous-after-sun-misc-default":
                // sun.misc.Signal puts USR1's default back as HotSpot does: SIG_DFL with
                // SA_SIGINFO. Chain.PREVIOUS onto it must take the default action (end by USR1).
                // (by reflection: javac -Werror refuses the proprietary-API warning)
                Class<?> miscSignal = Class.forName("sun.misc.Signal");
                Class<?> miscHandler = Class.forName("sun.misc.SignalHandler");
                miscSignal.getMethod("handle", miscSignal, miscHandler).invoke(null,
                        miscSignal.getConstructor(String.class).newInstance("USR1"),
                        miscHandler.getField("SIG_DFL").get(null));
                Signals.stats(Signal.USR1); // loads the library, installs nothing
                Files.writeString(dir.resolve("disposition.txt"),
                        Integer.toString(io.sigbridge.internal.NativeSignals.disposition(Signal.USR1.number())));
                Signals.handle(Signal.USR1, e -> Files.writeString(dir.resolve("handler.txt"), "ran for " + e.signal()),
                        Chain.PREVIOUS);
                break;
            case "fault-on-term":
                // The dump on TERM, then the JVM's own TERM handling: hooks, exit 143.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Files.writeString(dir.resolve("hook.txt"), "hook ran");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
                FaultReporter.enable(dir.resolve("dump.txt"), Signal.TERM);
                break;
            case "dump-later-exit":
                FaultReporter.dumpLater(Duration.ofMillis(300), true);
                break;
            case "dump-later-keep-running":
                FaultReporter.dumpLater(Duration.ofMillis(300), false, new java.io.PrintStream(
                        Files.newOutputStream(dir.resolve("dump.txt")), true, "UTF-8"));
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
        System.out.println("READY " + ProcessHandle.current().pid()); // ChildProcess's protocol
        System.out.flush();
        switch (mode) {
            case "native-thread":
            case "hang-in-handler":
                NativeCrash.abortOnNativeThreads("sb-aborter", 1);
                break;
            case "several-threads":
                NativeCrash.abortOnNativeThreads("sb-aborter", 4);
                break;
            case "raise":
                Signals.raise(Signal.ABRT);
                break;
            case "abort-on-dispatcher":
                Signals.handle(Signal.USR1, e -> NativeCrash.abortHere());
                Signals.raise(Signal.USR1);
                break;
            case "dump-later-keep-running":
                while (!Files.exists(dir.resolve("dump.txt")) || Files.size(dir.resolve("dump.txt")) == 0
                        || !Files.readString(dir.resolve("dump.txt")).contains("end of thread dump")) {
                    Thread.sleep(10);
                }
                System.out.println("STILL RUNNING");
                System.exit(0);
                break;
            default:
                break;
        }
        Thread.sleep(Long.MAX_VALUE); // the hang the watchdog or the signal ends
    }
}

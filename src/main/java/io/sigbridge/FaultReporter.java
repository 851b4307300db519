package io.sigbridge;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.sigbridge.internal.ThreadDumps;

/**
 * Python's faulthandler for the JVM: every Java thread's stack (with lock owners and native
 * thread ids) when the process is about to die of an abort, on demand on a signal, or when a
 * run hangs.
 *
 * <p>It never touches SEGV, BUS, ILL or FPE: those belong to the JVM, whose own crash report
 * (hs_err, placed with {@code -XX:ErrorFile=path}, with {@code -XX:OnError="cmd"} to run a command)
 * already covers a real crash.
 */
public final class FaultReporter {
    private static final Set<Signal> DYING_SIGNALS = Set.of(Signal.TERM, Signal.INT, Signal.HUP);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sigbridge-fault-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static ScheduledFuture<?> pendingDump;

    private FaultReporter() {}

    /**
     * Writes all thread stacks to {@code file} (appending) when the process is about to end by
     * SIGABRT, and by each of {@code alsoOn} (TERM, INT or HUP), then lets it end exactly as it
     * would have: ABRT through the synchronous last-gasp path (exit status 134, core dump if
     * enabled), TERM/INT/HUP through {@link Chain#PREVIOUS} (the JVM's shutdown, 128+n).
     *
     * @return a registration of ABRT whose {@code close()} removes every handler installed here
     */
    public static Registration enable(Path file, Signal... alsoOn) {
        Objects.requireNonNull(file, "file");
        return enable(() -> new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8), alsoOn);
    }

    /** Like {@link #enable(Path, Signal...)}, writing to {@code out}. */
    public static Registration enable(PrintStream out, Signal... alsoOn) {
        Objects.requireNonNull(out, "out");
        return enable(() -> new PrintStream(new NonClosing(out), true, StandardCharsets.UTF_8), alsoOn);
    }

    /** Dumps all stacks to standard error on every delivery of {@code signal}, and keeps running. */
    public static Registration dumpOn(Signal signal) {
        return dumpOn(signal, System.err);
    }

    /** Dumps all stacks to {@code out} on every delivery of {@code signal}, and keeps running. */
    public static Registration dumpOn(Signal signal, PrintStream out) {
        Objects.requireNonNull(out, "out");
        return Signals.handle(signal, e -> ThreadDumps.write(out, describe(e)));
    }

    /**
     * A watchdog for hung runs: unless {@link #cancelDumpLater()} is called first, writes all
     * stacks to standard error after {@code timeout}, and with {@code exit} then ends the process at
     * once with status 1 ({@link Runtime#halt}: a hung process's shutdown hooks may hang too). A new
     * call replaces the pending one. Needs no signal and works on every platform.
     */
    public static void dumpLater(Duration timeout, boolean exit) {
        dumpLater(timeout, exit, System.err);
    }

    /** Like {@link #dumpLater(Duration, boolean)}, writing to {@code out}. */
    public static synchronized void dumpLater(Duration timeout, boolean exit, PrintStream out) {
        Objects.requireNonNull(out, "out");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
        cancelDumpLater();
        pendingDump = WATCHDOG.schedule(() -> {
            ThreadDumps.write(out, "no progress after " + timeout + " (FaultReporter.dumpLater)");
            if (exit) {
                Runtime.getRuntime().halt(1);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Cancels a pending {@link #dumpLater}; harmless when none is pending. */
    public static synchronized void cancelDumpLater() {
        if (pendingDump != null) {
            pendingDump.cancel(false);
            pendingDump = null;
        }
    }

    /** Writes all stacks now, with {@code reason} in the header. */
    public static void dumpNow(PrintStream out, String reason) {
        ThreadDumps.write(out, reason);
    }

    private interface StreamOpener {
        PrintStream open() throws IOException;
    }

    private static Registration enable(StreamOpener opener, Signal... alsoOn) {
        Set<Signal> extra = new LinkedHashSet<>(List.of(alsoOn));
        for (Signal s : extra) {
            if (!DYING_SIGNALS.contains(s)) {
                throw new IllegalArgumentException(s + " is not a signal the process dies of here;"
                        + " FaultReporter.enable takes TERM, INT or HUP (use dumpOn for others)");
            }
        }
        SignalHandler dump = e -> {
            try (PrintStream out = opener.open()) {
                ThreadDumps.write(out, describe(e));
            }
        };
        List<Registration> others = new ArrayList<>();
        Registration abort = Signals.handle(Signal.ABRT, dump);
        try {
            for (Signal s : extra) {
                others.add(Signals.handle(s, dump, Chain.PREVIOUS));
            }
        } catch (RuntimeException e) {
            abort.close();
            others.forEach(Registration::close);
            throw e;
        }
        return new Registration() {
            @Override
            public Signal signal() {
                return Signal.ABRT;
            }

            @Override
            public boolean isActive() {
                return abort.isActive();
            }

            @Override
            public void close() {
                abort.close();
                others.forEach(Registration::close);
            }
        };
    }

    private static String describe(SignalEvent e) {
        StringBuilder b = new StringBuilder().append(e.signal());
        e.senderPid().ifPresent(pid -> b.append(" from pid ").append(pid));
        e.nativeThreadId().ifPresent(tid -> b.append(", received by native thread ").append(tid)
                .append(" \"").append(ThreadDumps.nativeThreadName(tid)).append('"'));
        return b.toString();
    }

    /** Keeps the caller's stream open when our per-dump PrintStream is closed. */
    private static final class NonClosing extends OutputStream {
        private final OutputStream out;

        NonClosing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}

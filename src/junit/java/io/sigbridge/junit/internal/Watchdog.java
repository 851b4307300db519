package io.sigbridge.junit.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.sigbridge.junit.SigbridgeJUnit;

/**
 * Timers for hung tests, on one daemon thread, {@code sigbridge-junit-watchdog}: an early-warning
 * dump when a test has run for one duration, a last dump and {@link Runtime#halt} after another.
 * Needs no signal and no native code.
 */
public final class Watchdog {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sigbridge-junit-watchdog");
        t.setDaemon(true);
        return t;
    });

    private Watchdog() {}

    /** What is watched, and where its dumps go. */
    public static final class Subject {
        private final String name;
        private final String uniqueId;
        private final Path dumpDir;
        private final Supplier<List<String>> alsoRunning;

        /**
         * @param name the test's name, for the file and the messages
         * @param uniqueId the test's JUnit unique id, for the file's header
         * @param alsoRunning the other tests running at the time of a dump (parallel runs)
         */
        public Subject(String name, String uniqueId, Path dumpDir, Supplier<List<String>> alsoRunning) {
            this.name = name;
            this.uniqueId = uniqueId;
            this.dumpDir = dumpDir;
            this.alsoRunning = alsoRunning;
        }

        public String name() {
            return name;
        }

        List<String> header() {
            List<String> lines = new ArrayList<>();
            lines.add("test: " + uniqueId);
            List<String> others = alsoRunning.get();
            if (!others.isEmpty()) {
                lines.add("also running: " + String.join(", ", others));
            }
            return lines;
        }
    }

    /** A watch in progress; closing it cancels the dumps and the halt still to come. */
    public static final class Watch implements AutoCloseable {
        private final List<ScheduledFuture<?>> pending;

        Watch(List<ScheduledFuture<?>> pending) {
            this.pending = pending;
        }

        @Override
        public void close() {
            pending.forEach(f -> f.cancel(false));
        }
    }

    /**
     * Starts watching {@code subject}.
     *
     * @param dumpSetting how the early dump was asked for, for the messages ("sigbridge.junit.dump.after=5m")
     * @param haltSetting how the halt was asked for
     */
    public static Watch start(Subject subject, Optional<Duration> dumpAfter, String dumpSetting,
            Optional<Duration> haltAfter, String haltSetting) {
        List<ScheduledFuture<?>> pending = new ArrayList<>(2);
        dumpAfter.ifPresent(d -> pending.add(TIMER.schedule(() -> earlyDump(subject, d, dumpSetting),
                d.toNanos(), TimeUnit.NANOSECONDS)));
        haltAfter.ifPresent(d -> pending.add(TIMER.schedule(() -> halt(subject, d, haltSetting),
                d.toNanos(), TimeUnit.NANOSECONDS)));
        return new Watch(pending);
    }

    private static void earlyDump(Subject subject, Duration after, String setting) {
        String headline = "sigbridge.junit: " + subject.name + " has run for " + Durations.describe(after)
                + " (" + setting + ")";
        try {
            Path file = DumpFiles.write(subject.dumpDir, subject.name, "after-" + Durations.compact(after), headline,
                    subject.header());
            DumpFiles.notice(subject.name + " has run for " + Durations.describe(after) + " (" + setting
                    + "): thread dump in " + file);
        } catch (Exception | LinkageError e) {
            DumpFiles.notice(subject.name + " has run for " + Durations.describe(after)
                    + ", but its thread dump could not be written: " + e);
        }
    }

    private static void halt(Subject subject, Duration after, String setting) {
        String headline = "sigbridge.junit: " + subject.name + " still running after "
                + Durations.describe(after) + " (" + setting + "): halting the JVM with status "
                + SigbridgeJUnit.HALT_STATUS;
        String where;
        try {
            where = "thread dump in " + DumpFiles.write(subject.dumpDir, subject.name, "halt", headline,
                    subject.header());
        } catch (Exception | LinkageError e) {
            where = "the thread dump could not be written: " + e;
        }
        DumpFiles.notice(subject.name + " still running after " + Durations.describe(after) + " ("
                + setting + "): " + where + "; halting the JVM with status " + SigbridgeJUnit.HALT_STATUS);
        Runtime.getRuntime().halt(SigbridgeJUnit.HALT_STATUS);
    }
}

package io.sigbridge.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;

/**
 * {@code bench [--iterations N] [--warmup N] [--burst N] [--flood N] [--senders K]
 * [--exit-runs N] [--plot FILE.png]}: in one run, the latency from the signal to the handler
 * for sigbridge, for {@code sun.misc.Signal} on the same signal and for a plain C floor (a
 * separate process: sigaction handler, pipe, a second thread wakes), back to back and isolated,
 * with percentiles and ratios; the exit time of a child JVM after main returned, with and without
 * a registration; then a burst of sigqueue'd real-time signals from another process, and a flood
 * from several at once, accounted for one by one. Figures are printed, never judged: they depend
 * on the machine and on whoever else shares it.
 */
final class Bench {
    static final int DEFAULT_ITERATIONS = 2000;
    static final int DEFAULT_WARMUP = 300;
    static final int DEFAULT_BURST = 10000;
    static final int DEFAULT_SENDERS = 4;
    static final int DEFAULT_EXIT_RUNS = 7;
    /** Values 0..N-1 are tracked in a bit set; a million is far past any useful burst. */
    static final int MAX_COUNT = 1_000_000;
    /** RTMIN+2: clear of RTMIN itself, which some libraries (and old LinuxThreads code) take. */
    static final int BURST_REALTIME_OFFSET = 2;
    /** Latency rounds: each runs the three contenders one after the other, in both cases. */
    static final int ROUNDS = 4;
    /** Isolated signals: this long after the previous one was handled, every thread sleeps. */
    static final long ISOLATED_GAP_MICROS = 200;

    static final String FLOOR = "C floor";
    static final String SIGBRIDGE = "sigbridge";
    static final String SUN_MISC = "sun.misc.Signal";

    static final String USAGE = "bench [--iterations N] [--warmup N] [--burst N] [--flood N]"
            + " [--senders K] [--exit-runs N] [--plot FILE.png]";

    private Bench() {}

    /** The parsed command line. */
    static final class Options {
        int iterations = DEFAULT_ITERATIONS;
        int warmup = DEFAULT_WARMUP;
        int burst = DEFAULT_BURST;
        int flood;
        int senders = DEFAULT_SENDERS;
        int exitRuns = DEFAULT_EXIT_RUNS;
        Path plot;

        static Options parse(List<String> args) {
            Options o = new Options();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--iterations":
                        o.iterations = count(a, value(args, ++i, a), 1);
                        break;
                    case "--warmup":
                        o.warmup = count(a, value(args, ++i, a), 0);
                        break;
                    case "--burst":
                        o.burst = count(a, value(args, ++i, a), 0);
                        break;
                    case "--flood":
                        o.flood = count(a, value(args, ++i, a), 0);
                        break;
                    case "--senders":
                        o.senders = count(a, value(args, ++i, a), 1);
                        break;
                    case "--exit-runs":
                        o.exitRuns = count(a, value(args, ++i, a), 0);
                        break;
                    case "--plot":
                        o.plot = Path.of(value(args, ++i, a));
                        break;
                    default:
                        throw new Main.UsageException("unknown option '" + a + "'; usage: " + USAGE);
                }
            }
            if (o.flood > 0 && o.senders > o.flood) {
                throw new Main.UsageException("--senders " + o.senders + " is more than the "
                        + o.flood + " signals of --flood");
            }
            return o;
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size()) {
                throw new Main.UsageException(option + " needs a value");
            }
            return args.get(i);
        }

        private static int count(String option, String text, int min) {
            try {
                int n = Integer.parseInt(text);
                if (n >= min && n <= MAX_COUNT) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new Main.UsageException(option + " takes an integer from " + min + " to "
                    + MAX_COUNT + ", not '" + text + "'");
        }
    }

    /** How the signals of one latency table are sent. */
    enum Case {
        BACK_TO_BACK("back to back: kill(getpid(), SIG%s), the next as soon as the handler ran", 0),
        ISOLATED("isolated: raise(SIG%s) " + ISOLATED_GAP_MICROS + " us after the previous one"
                + " was handled, every thread asleep", ISOLATED_GAP_MICROS * 1000);

        final String description;
        final long gapNanos;

        Case(String description, long gapNanos) {
            this.description = description;
            this.gapNanos = gapNanos;
        }
    }

    /** One latency table's samples: the floor, sigbridge (with its split), sun.misc.Signal. */
    static final class Table {
        final Case sent;
        final long[] floor;
        final HandlerLatencyLoop.Samples sigbridge;
        final HandlerLatencyLoop.Samples sunMisc;

        Table(Case sent, int n) {
            this.sent = sent;
            floor = new long[n];
            sigbridge = new HandlerLatencyLoop.Samples(n);
            sunMisc = new HandlerLatencyLoop.Samples(n);
        }

        List<LatencyStats> contenders() {
            return List.of(LatencyStats.of(FLOOR, floor), LatencyStats.of(SIGBRIDGE, sigbridge.toHandler),
                    LatencyStats.of(SUN_MISC, sunMisc.toHandler));
        }
    }

    static int run(List<String> args, PrintStream out) throws IOException, InterruptedException {
        Options options = Options.parse(args);
        if (options.plot != null && System.getProperty("java.awt.headless") == null) {
            // before any AWT class loads: the plot is drawn off-screen, also without a display
            System.setProperty("java.awt.headless", "true");
        }
        if (!Platform.current().isPosix()) {
            throw new UnsupportedOperationException("bench measures POSIX signals; this is "
                    + System.getProperty("os.name"));
        }
        String machine = machineFacts();
        out.println("sigbridge bench: " + machine);
        out.printf(Locale.ROOT, "latency: SIG%s to the handler, one at a time; %d signals per"
                + " contender and case in %d interleaved rounds, after %d not counted%n",
                Signal.USR1.name(), options.iterations, ROUNDS, options.warmup);
        out.flush();

        HelperProcess helper = HelperProcess.extract();
        int n = options.iterations;
        Table backToBack = new Table(Case.BACK_TO_BACK, n);
        Table isolated = new Table(Case.ISOLATED, n);
        // Interleaved rounds, so a change of load on a shared machine (another build starting)
        // falls on all contenders and both cases rather than on whichever ran at that moment.
        for (int round = 0; round < ROUNDS; round++) {
            int from = (int) ((long) round * n / ROUNDS);
            int count = (int) ((long) (round + 1) * n / ROUNDS) - from;
            if (count == 0) {
                continue;
            }
            // The first round warms up the JIT and the dispatcher; later ones only refill the
            // caches the other contenders used. The floor is a new process every round.
            int warmup = round == 0 ? options.warmup : options.warmup / 10;
            for (Table table : List.of(backToBack, isolated)) {
                floorRound(helper, table.sent, options.warmup, table.floor, from, count);
                sigbridgeRound(table.sent, warmup, table.sigbridge, from, count);
                sunMiscRound(table.sent, warmup, table.sunMisc, from, count);
            }
        }
        for (Table table : List.of(backToBack, isolated)) {
            out.printf(Locale.ROOT, "%s%n", String.format(Locale.ROOT, table.sent.description,
                    Signal.USR1.name()));
            printTable(table.contenders(), out);
            printSigbridgeSplit(table.sigbridge, out);
        }
        printSideBySide(backToBack.contenders(), isolated.contenders(), out);
        out.flush();

        if (options.plot != null) {
            BenchPlot.write(options.plot, backToBack.contenders(), machine);
            out.println("plot: " + options.plot.toAbsolutePath() + " (" + BenchPlot.WIDTH + "x"
                    + BenchPlot.HEIGHT + "; back to back)");
        }

        if (options.exitRuns > 0) {
            ExitTimes.measure(options.exitRuns).print(out);
            out.flush();
        }
        if (options.burst > 0) {
            realtime(helper, "burst", options.burst, 1, out);
        }
        if (options.flood > 0) {
            realtime(helper, "flood", options.flood, options.senders, out);
        }
        out.flush();
        return 0;
    }

    private static void floorRound(HelperProcess helper, Case sent, int warmup, long[] into,
            int from, int count) throws IOException, InterruptedException {
        long[] all = sent == Case.ISOLATED
                ? helper.isolated(warmup + count, Signal.USR1.number(), ISOLATED_GAP_MICROS)
                : helper.latency(warmup + count, Signal.USR1.number());
        System.arraycopy(all, warmup, into, from, count);
    }

    /** The same send for every contender: only the receiving side differs. */
    private static HandlerLatencyLoop.Sender sender(Case sent) {
        long self = ProcessHandle.current().pid();
        return sent == Case.ISOLATED ? () -> Signals.raise(Signal.USR1)
                : () -> Signals.send(self, Signal.USR1);
    }

    private static void sigbridgeRound(Case sent, int warmup, HandlerLatencyLoop.Samples into,
            int from, int count) {
        HandlerLatencyLoop loop = new HandlerLatencyLoop();
        // Closing the registration puts back the disposition it replaced (SIG_DFL for USR1),
        // so sun.misc.Signal starts from the same state as sigbridge did.
        try (Registration r = Signals.handle(Signal.USR1, e -> loop.handled(e.nanoTime()))) {
            loop.run(SIGBRIDGE, warmup, into, from, count, sent.gapNanos, sender(sent));
        }
    }

    private static void sunMiscRound(Case sent, int warmup, HandlerLatencyLoop.Samples into,
            int from, int count) {
        HandlerLatencyLoop loop = new HandlerLatencyLoop();
        SunMiscSignal usr1 = SunMiscSignal.named(Signal.USR1.name());
        SunMiscSignal.Previous previous = usr1.handle(() -> loop.handled(0));
        try {
            loop.run(SUN_MISC, warmup, into, from, count, sent.gapNanos, sender(sent));
        } finally {
            // Back to what was there (SIG_DFL): from here on a USR1 would end the process, so
            // nothing sends one until the next round installs a handler. None is left over
            // either, even when run() gave up waiting: the JVM's native handler took each one
            // at delivery; only its Java side can lag.
            usr1.restore(previous);
        }
    }

    private static void printTable(List<LatencyStats> contenders, PrintStream out) {
        out.printf(Locale.ROOT, "  %-16s %6s %9s %9s %9s %9s   (microseconds)%n", "contender", "n",
                "p50", "p90", "p99", "max");
        for (LatencyStats s : contenders) {
            out.printf(Locale.ROOT, "  %-16s %6d %9s %9s %9s %9s%n", s.contender(), s.count(),
                    LatencyStats.micros(s.percentile(50)), LatencyStats.micros(s.percentile(90)),
                    LatencyStats.micros(s.percentile(99)), LatencyStats.micros(s.max()));
        }
        LatencyStats floor = contenders.get(0);
        LatencyStats sigbridge = contenders.get(1);
        LatencyStats sunMisc = contenders.get(2);
        out.printf(Locale.ROOT, "  ratios at p50 / p99: sigbridge/floor %s / %s   sun.misc/floor"
                + " %s / %s   sun.misc/sigbridge %s / %s%n",
                ratio(sigbridge, floor, 50), ratio(sigbridge, floor, 99),
                ratio(sunMisc, floor, 50), ratio(sunMisc, floor, 99),
                ratio(sunMisc, sigbridge, 50), ratio(sunMisc, sigbridge, 99));
    }

    /**
     * Where sigbridge's time goes, from the native capture stamp of each event: the kernel's
     * part (kill until our C handler ran, on whichever thread the kernel picked) and ours
     * (self-pipe wake-up, dispatcher, Java handler). The kernel's part is not free in a JVM:
     * Linux gives a process-directed signal to the main thread when it can take it, and in a
     * JVM that is the launcher's thread asleep in pthread_join, which must be woken first. In
     * the C floor the main thread is the sender itself and runs the handler on its way out of
     * kill().
     */
    private static void printSigbridgeSplit(HandlerLatencyLoop.Samples s, PrintStream out) {
        long[] dispatch = new long[s.toHandler.length];
        for (int i = 0; i < dispatch.length; i++) {
            dispatch[i] = s.toHandler[i] - s.toCapture[i];
        }
        LatencyStats kernel = LatencyStats.of("kill to capture", s.toCapture);
        LatencyStats ours = LatencyStats.of("capture to handler", dispatch);
        out.printf(Locale.ROOT, "  sigbridge split: send -> native capture p50 %s p99 %s;"
                + " capture -> Java handler p50 %s p99 %s (microseconds)%n",
                LatencyStats.micros(kernel.percentile(50)), LatencyStats.micros(kernel.percentile(99)),
                LatencyStats.micros(ours.percentile(50)), LatencyStats.micros(ours.percentile(99)));
    }

    private static String ratio(LatencyStats a, LatencyStats b, double p) {
        return LatencyStats.ratio(a.percentile(p), b.percentile(p));
    }

    /** Both latency cases in one block: each contender's ratios to the floor, and sun.misc's to ours. */
    private static void printSideBySide(List<LatencyStats> backToBack, List<LatencyStats> isolated,
            PrintStream out) {
        out.printf(Locale.ROOT, "side by side, p50 / p99:   %-26s %s%n", "back to back", "isolated");
        String[][] pairs = {{SIGBRIDGE, FLOOR}, {SUN_MISC, FLOOR}, {SUN_MISC, SIGBRIDGE}};
        for (String[] pair : pairs) {
            out.printf(Locale.ROOT, "  %-23s %-26s %s%n", shortName(pair[0]) + "/" + shortName(pair[1]),
                    ratios(backToBack, pair[0], pair[1]), ratios(isolated, pair[0], pair[1]));
        }
    }

    private static String shortName(String contender) {
        return contender.equals(SUN_MISC) ? "sun.misc" : contender.equals(FLOOR) ? "floor" : contender;
    }

    private static String ratios(List<LatencyStats> table, String a, String b) {
        LatencyStats x = find(table, a);
        LatencyStats y = find(table, b);
        return ratio(x, y, 50) + " / " + ratio(x, y, 99);
    }

    private static LatencyStats find(List<LatencyStats> table, String contender) {
        return table.stream().filter(s -> s.contender().equals(contender)).findFirst().orElseThrow();
    }

    private static void realtime(HelperProcess helper, String what, int count, int senders,
            PrintStream out) throws IOException, InterruptedException {
        Signal signal;
        try {
            signal = Signal.realtime(BURST_REALTIME_OFFSET);
        } catch (UnsupportedOperationException e) {
            out.println(what + ": skipped, " + e.getMessage());
            return;
        }
        Burst.run(helper, signal, count, senders).print(what, signal, out);
    }

    /** Entries in the native ring (the dispatcher must exist). */
    static int ringCapacity() {
        int[] info = new int[4];
        NativeSignals.platformInfo(info);
        return info[3];
    }

    /** JVM, OS, CPUs and load: the figures mean little without them. */
    static String machineFacts() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%s %s (%s), %s %s %s, %d CPUs, load %s",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load));
    }
}

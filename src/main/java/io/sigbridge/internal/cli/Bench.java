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
import io.sigbridge.internal.Platform;

/**
 * {@code bench [--iterations N] [--warmup N] [--burst N] [--plot FILE.png]}: in one run, the
 * latency from {@code kill()} to the handler for sigbridge, for {@code sun.misc.Signal} on the
 * same signal and for a plain C floor (a separate process: sigaction handler, pipe, a second
 * thread wakes), with percentiles and ratios; then a burst of sigqueue'd real-time signals from
 * another process, accounted for one by one. Figures are printed, never judged: they depend on
 * the machine and on whoever else shares it.
 */
final class Bench {
    static final int DEFAULT_ITERATIONS = 2000;
    static final int DEFAULT_WARMUP = 300;
    static final int DEFAULT_BURST = 10000;
    /** Values 0..N-1 are tracked in a bit set; a million is far past any useful burst. */
    static final int MAX_COUNT = 1_000_000;
    /** RTMIN+2: clear of RTMIN itself, which some libraries (and old LinuxThreads code) take. */
    static final int BURST_REALTIME_OFFSET = 2;
    /** Latency rounds: each runs the three contenders one after the other. */
    static final int ROUNDS = 4;

    static final String FLOOR = "C floor";
    static final String SIGBRIDGE = "sigbridge";
    static final String SUN_MISC = "sun.misc.Signal";

    private Bench() {}

    /** The parsed command line. */
    static final class Options {
        int iterations = DEFAULT_ITERATIONS;
        int warmup = DEFAULT_WARMUP;
        int burst = DEFAULT_BURST;
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
                    case "--plot":
                        o.plot = Path.of(value(args, ++i, a));
                        break;
                    default:
                        throw new Main.UsageException("unknown option '" + a + "'; usage: bench"
                                + " [--iterations N] [--warmup N] [--burst N] [--plot FILE.png]");
                }
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
        out.printf(Locale.ROOT, "latency: kill(getpid(), SIG%s) to the handler, one at a time;"
                + " %d signals per contender in %d interleaved rounds, after %d not counted%n",
                Signal.USR1.name(), options.iterations, ROUNDS, options.warmup);
        out.flush();

        HelperProcess helper = HelperProcess.extract();
        int n = options.iterations;
        long[] floor = new long[n];
        HandlerLatencyLoop.Samples sigbridge = new HandlerLatencyLoop.Samples(n);
        HandlerLatencyLoop.Samples sunMisc = new HandlerLatencyLoop.Samples(n);
        // Interleaved rounds, so a change of load on a shared machine (another build starting)
        // falls on all three contenders rather than on whichever ran at that moment.
        for (int round = 0; round < ROUNDS; round++) {
            int from = (int) ((long) round * n / ROUNDS);
            int count = (int) ((long) (round + 1) * n / ROUNDS) - from;
            if (count == 0) {
                continue;
            }
            // The first round warms up the JIT and the dispatcher; later ones only refill the
            // caches the other contenders used. The floor is a new process every round.
            int warmup = round == 0 ? options.warmup : options.warmup / 10;
            floorRound(helper, options.warmup, floor, from, count);
            sigbridgeRound(warmup, sigbridge, from, count);
            sunMiscRound(warmup, sunMisc, from, count);
        }
        List<LatencyStats> contenders = List.of(LatencyStats.of(FLOOR, floor),
                LatencyStats.of(SIGBRIDGE, sigbridge.toHandler),
                LatencyStats.of(SUN_MISC, sunMisc.toHandler));
        printTable(contenders, out);
        printSigbridgeSplit(sigbridge, out);
        out.flush();

        if (options.plot != null) {
            BenchPlot.write(options.plot, contenders, machine);
            out.println("plot: " + options.plot.toAbsolutePath() + " (" + BenchPlot.WIDTH + "x"
                    + BenchPlot.HEIGHT + ")");
        }

        if (options.burst > 0) {
            burst(helper, options.burst, out);
        }
        out.flush();
        return 0;
    }

    private static void floorRound(HelperProcess helper, int warmup, long[] into, int from,
            int count) throws IOException, InterruptedException {
        long[] all = helper.latency(warmup + count, Signal.USR1.number());
        System.arraycopy(all, warmup, into, from, count);
    }

    private static void sigbridgeRound(int warmup, HandlerLatencyLoop.Samples into, int from,
            int count) {
        HandlerLatencyLoop loop = new HandlerLatencyLoop();
        long self = ProcessHandle.current().pid();
        // Closing the registration puts back the disposition it replaced (SIG_DFL for USR1),
        // so sun.misc.Signal starts from the same state as sigbridge did.
        try (Registration r = Signals.handle(Signal.USR1, e -> loop.handled(e.nanoTime()))) {
            loop.run(SIGBRIDGE, warmup, into, from, count, () -> Signals.send(self, Signal.USR1));
        }
    }

    private static void sunMiscRound(int warmup, HandlerLatencyLoop.Samples into, int from,
            int count) {
        HandlerLatencyLoop loop = new HandlerLatencyLoop();
        long self = ProcessHandle.current().pid();
        SunMiscSignal usr1 = SunMiscSignal.named(Signal.USR1.name());
        SunMiscSignal.Previous previous = usr1.handle(() -> loop.handled(0));
        try {
            // The same kill() as for sigbridge: only the receiving side differs.
            loop.run(SUN_MISC, warmup, into, from, count, () -> Signals.send(self, Signal.USR1));
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
        out.printf(Locale.ROOT, "  sigbridge split: kill -> native capture p50 %s p99 %s;"
                + " capture -> Java handler p50 %s p99 %s (microseconds)%n",
                LatencyStats.micros(kernel.percentile(50)), LatencyStats.micros(kernel.percentile(99)),
                LatencyStats.micros(ours.percentile(50)), LatencyStats.micros(ours.percentile(99)));
    }

    private static String ratio(LatencyStats a, LatencyStats b, double p) {
        return LatencyStats.ratio(a.percentile(p), b.percentile(p));
    }

    private static void burst(HelperProcess helper, int count, PrintStream out)
            throws IOException, InterruptedException {
        Signal signal;
        try {
            signal = Signal.realtime(BURST_REALTIME_OFFSET);
        } catch (UnsupportedOperationException e) {
            out.println("burst: skipped, " + e.getMessage());
            return;
        }
        Burst.run(helper, signal, count).print(signal, out);
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

package io.sigbridge.internal.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * The bench's exit figure (issue 15): how long a child JVM takes to end after its {@code main}
 * returned, without sigbridge and with one registration, in interleaved runs. The child
 * ({@link #main}) prints {@code System.nanoTime()} as the last thing main does; this JVM takes
 * the time when it sees the child end. Both read CLOCK_MONOTONIC on Linux, so the difference
 * spans process boundaries; the time from the child's exit to our {@code waitFor} returning is
 * the same in both variants.
 */
final class ExitTimes {
    private static final long TIMEOUT_SECONDS = 60;
    static final String PLAIN = "no sigbridge";
    static final String REGISTERED = "one registration";

    private final long[] plain;
    private final long[] registered;

    private ExitTimes(long[] plain, long[] registered) {
        this.plain = plain;
        this.registered = registered;
    }

    /** The child: {@code registered} handles TERM first (the dispatcher then runs). */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("registered")) {
            Signals.handle(Signal.TERM, e -> { });
        }
        System.out.println(System.nanoTime());
        System.out.flush();
    }

    static ExitTimes measure(int runs) throws IOException, InterruptedException {
        long[] plain = new long[runs];
        long[] registered = new long[runs];
        for (int i = 0; i < runs; i++) { // interleaved: a change of load falls on both
            plain[i] = exitNanos(false);
            registered[i] = exitNanos(true);
        }
        return new ExitTimes(plain, registered);
    }

    private static long exitNanos(boolean register) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(ownClassPath());
        command.add(ExitTimes.class.getName());
        if (register) {
            command.add("registered");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // it would print a line on stderr
        pb.environment().remove("_JAVA_OPTIONS");
        Process p = pb.start();
        String last;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            last = in.readLine();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the exit probe did not end within " + TIMEOUT_SECONDS + " s");
            }
        }
        long ended = System.nanoTime();
        if (p.exitValue() != 0 || last == null) {
            throw new IllegalStateException("the exit probe failed (exit status " + p.exitValue()
                    + ", printed " + last + "; its stderr is above)");
        }
        return ended - Long.parseLong(last.trim());
    }

    /** Where this class came from: sigbridge's jar or classes directory (it needs nothing else). */
    private static String ownClassPath() {
        try {
            return Path.of(ExitTimes.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    void print(PrintStream out) {
        LatencyStats p = LatencyStats.of(PLAIN, plain);
        LatencyStats r = LatencyStats.of(REGISTERED, registered);
        out.printf(Locale.ROOT, "exit: a child JVM (this java) from the end of main to its exit, %d"
                + " runs each, interleaved (milliseconds)%n", plain.length);
        out.printf(Locale.ROOT, "  %-18s %8s %8s %8s%n", "child", "median", "min", "max");
        for (LatencyStats s : List.of(p, r)) {
            out.printf(Locale.ROOT, "  %-18s %8s %8s %8s%n", s.contender(), millis(s.percentile(50)),
                    millis(s.min()), millis(s.max()));
        }
        out.printf(Locale.ROOT, "  registration costs %s ms at the median (HotSpot's exit would"
                + " wait up to 300 ms for a dispatcher in native code)%n",
                millis(r.percentile(50) - p.percentile(50)));
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}

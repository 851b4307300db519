package io.sigbridge.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sigbridge.internal.NativeLibrary;

/**
 * The native {@code sigbridge-helper} ({@code native/bench/sb_helper.c}), copied out of the jar
 * and run as a child process: a separate program, so the C floor shares nothing with the JVM,
 * and a real other process, so the burst's sender pid is not ours.
 */
final class HelperProcess {
    static final String FILE_NAME = "sigbridge-helper";
    private static final long TIMEOUT_SECONDS = 120;

    private final Path executable;

    private HelperProcess(Path executable) {
        this.executable = executable;
    }

    static HelperProcess extract() throws IOException {
        return new HelperProcess(NativeLibrary.extract(FILE_NAME, true));
    }

    Path executable() {
        return executable;
    }

    /**
     * {@code sigbridge-helper latency COUNT SIGNO}: COUNT kill-to-wake latencies of plain C in
     * nanoseconds, in the order measured, back to back.
     */
    long[] latency(int count, int signo) throws IOException, InterruptedException {
        return latencies(count, run("latency", Integer.toString(count), Integer.toString(signo)));
    }

    /**
     * {@code sigbridge-helper isolated COUNT SIGNO GAP_US}: COUNT raise-to-wake latencies of
     * plain C, each signal {@code gapMicros} after the previous one was handled.
     */
    long[] isolated(int count, int signo, long gapMicros) throws IOException, InterruptedException {
        return latencies(count, run("isolated", Integer.toString(count), Integer.toString(signo),
                Long.toString(gapMicros)));
    }

    private static long[] latencies(int count, Run run) {
        List<String> lines = run.lines;
        if (lines.size() != count) {
            throw new IllegalStateException(FILE_NAME + " " + run.mode + " printed " + lines.size()
                    + " latencies instead of " + count);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            nanos[i] = Long.parseLong(lines.get(i).trim());
        }
        return nanos;
    }

    /** What {@code sigbridge-helper burst} printed: "sent N retries R nanos T". */
    static final class BurstOutcome {
        final long pid;
        final long sent;
        final long retries;
        final long nanos;

        BurstOutcome(long pid, long sent, long retries, long nanos) {
            this.pid = pid;
            this.sent = sent;
            this.retries = retries;
            this.nanos = nanos;
        }
    }

    /**
     * Starts {@code sigbridge-helper burst PID SIGNO COUNT FIRST} (values FIRST..FIRST+COUNT-1);
     * {@link Started#finish()} waits for it. Several run at once in a flood.
     */
    Started startBurst(long pid, int signo, int count, int first) throws IOException {
        return start("burst", Long.toString(pid), Integer.toString(signo), Integer.toString(count),
                Integer.toString(first));
    }

    /** Runs {@code sigbridge-helper burst PID SIGNO COUNT} (values 0..COUNT-1) to its end. */
    BurstOutcome burst(long pid, int signo, int count) throws IOException, InterruptedException {
        return burstOutcome(startBurst(pid, signo, count, 0).finish());
    }

    static BurstOutcome burstOutcome(Run run) {
        List<String> lines = run.lines;
        String[] w = lines.isEmpty() ? new String[0] : lines.get(0).trim().split("\\s+");
        if (w.length != 6 || !w[0].equals("sent") || !w[2].equals("retries") || !w[4].equals("nanos")) {
            throw new IllegalStateException(FILE_NAME + " burst printed " + lines
                    + " instead of 'sent N retries R nanos T'");
        }
        return new BurstOutcome(run.pid, Long.parseLong(w[1]), Long.parseLong(w[3]), Long.parseLong(w[5]));
    }

    /** A finished helper run: its mode, its pid and what it printed. */
    static final class Run {
        final String mode;
        final long pid;
        final List<String> lines;

        Run(String mode, long pid, List<String> lines) {
            this.mode = mode;
            this.pid = pid;
            this.lines = lines;
        }
    }

    /** A helper that runs. Its stdout goes to a file, so no full pipe ever blocks it. */
    final class Started {
        private final String mode;
        private final Process process;
        private final Path output;

        private Started(String mode, Process process, Path output) {
            this.mode = mode;
            this.process = process;
            this.output = output;
        }

        long pid() {
            return process.pid();
        }

        /** Waits for the end (bounded); fails unless it exited 0. */
        Run finish() throws IOException, InterruptedException {
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                    throw new IllegalStateException(FILE_NAME + " " + mode + " did not end within "
                            + TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(FILE_NAME + " " + mode + " failed with exit"
                            + " status " + process.exitValue() + " (its message, if any, is on stderr above)");
                }
                return new Run(mode, process.pid(), Files.readAllLines(output, StandardCharsets.US_ASCII));
            } finally {
                Files.deleteIfExists(output);
            }
        }
    }

    /**
     * Starts the helper. Its stdout goes to a file rather than a pipe, so the wait can have a
     * timeout without a full pipe ever blocking the helper; its stderr goes to ours: it writes
     * there only when something failed (perror).
     */
    private Started start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("sigbridge-helper-", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new Started(args[0], p, output);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(output);
            throw e;
        }
    }

    /** Runs the helper to its end. */
    private Run run(String... args) throws IOException, InterruptedException {
        return start(args).finish();
    }
}

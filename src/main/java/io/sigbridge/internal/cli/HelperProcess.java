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
     * nanoseconds, in the order measured.
     */
    long[] latency(int count, int signo) throws IOException, InterruptedException {
        List<String> lines = run("latency", Integer.toString(count), Integer.toString(signo)).lines;
        if (lines.size() != count) {
            throw new IllegalStateException(FILE_NAME + " latency printed " + lines.size()
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

    /** Runs {@code sigbridge-helper burst PID SIGNO COUNT} to its end. */
    BurstOutcome burst(long pid, int signo, int count) throws IOException, InterruptedException {
        Run run = run("burst", Long.toString(pid), Integer.toString(signo), Integer.toString(count));
        List<String> lines = run.lines;
        String[] w = lines.isEmpty() ? new String[0] : lines.get(0).trim().split("\\s+");
        if (w.length != 6 || !w[0].equals("sent") || !w[2].equals("retries") || !w[4].equals("nanos")) {
            throw new IllegalStateException(FILE_NAME + " burst printed " + lines
                    + " instead of 'sent N retries R nanos T'");
        }
        return new BurstOutcome(run.pid, Long.parseLong(w[1]), Long.parseLong(w[3]), Long.parseLong(w[5]));
    }

    /** A finished helper run: its pid and what it printed. */
    private static final class Run {
        final long pid;
        final List<String> lines;

        Run(long pid, List<String> lines) {
            this.pid = pid;
            this.lines = lines;
        }
    }

    /**
     * Runs the helper to its end. Its stdout goes to a file rather than a pipe, so the wait can
     * have a timeout without a full pipe ever blocking the helper; its stderr goes to ours: it
     * writes there only when something failed (perror).
     */
    private Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("sigbridge-helper-", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new IllegalStateException(FILE_NAME + " " + args[0] + " did not end within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(FILE_NAME + " " + args[0] + " failed with exit"
                        + " status " + p.exitValue() + " (its message, if any, is on stderr above)");
            }
            return new Run(p.pid(), Files.readAllLines(output, StandardCharsets.US_ASCII));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}

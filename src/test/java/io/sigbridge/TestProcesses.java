package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Shared plumbing of the in-process tests: starting real other processes that signal this JVM
 * (the {@code sigbridge-helper} binary, {@code kill}, child JVMs), waiting for them with bounded
 * waits, and looking at this process's pending signals in {@code /proc/self/status}.
 */
public final class TestProcesses {
    /** The bound of every wait in these tests; reaching it is a failure, not a pass. */
    public static final long WAIT_SECONDS = 30;

    private TestProcesses() {}

    public static long ourPid() {
        return ProcessHandle.current().pid();
    }

    /** Our real uid, from the kernel's view of this process. */
    public static int ourUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code sigbridge-helper} binary the build put next to the library. */
    public static Path helper() {
        String configured = System.getProperty("sigbridge.test.helper");
        assertTrue(configured != null && !configured.isBlank(),
                "the system property sigbridge.test.helper is not set (run the tests through Maven)");
        Path path = Path.of(configured);
        assertTrue(Files.isExecutable(path), "sigbridge-helper is not an executable file: " + path);
        return path;
    }

    /** {@code target/classes}: the library's classes and its native directory. */
    public static Path classes() {
        String configured = System.getProperty("sigbridge.test.classes");
        assertTrue(configured != null && !configured.isBlank(),
                "the system property sigbridge.test.classes is not set (run the tests through Maven)");
        return Path.of(configured);
    }

    /** Starts {@code sigbridge-helper MODE ARGS...}; its output goes to a temporary file. */
    public static Started startHelper(String mode, Object... args) {
        List<String> command = new ArrayList<>();
        command.add(helper().toString());
        command.add(mode);
        for (Object a : args) {
            command.add(String.valueOf(a));
        }
        return start(command);
    }

    /** Starts a process with stdout and stderr merged into a temporary file. */
    public static Started start(List<String> command) {
        try {
            Path output = Files.createTempFile("sigbridge-test-", ".out");
            output.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            return new Started(pb.start(), command, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** A started process; {@link #close()} kills it if it is still there. */
    public static final class Started implements AutoCloseable {
        private final Process process;
        private final List<String> command;
        private final Path output;

        Started(Process process, List<String> command, Path output) {
            this.process = process;
            this.command = command;
            this.output = output;
        }

        public Process process() {
            return process;
        }

        public long pid() {
            return process.pid();
        }

        /** Waits (bounded) for the process to end and returns its exit status. */
        public int waitForExit() throws InterruptedException {
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not end within " + WAIT_SECONDS + " s; output so far: " + output());
            }
            return process.exitValue();
        }

        /** Waits (bounded) for the process and asserts that it exited with 0. */
        public String waitForSuccess() throws InterruptedException {
            int status = waitForExit();
            String out = output();
            assertEquals(0, status, command + " exited with " + status + ": " + out);
            return out;
        }

        public String output() {
            try {
                return Files.readString(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<cannot read " + output + ": " + e + ">";
            }
        }

        @Override
        public void close() {
            // runuser and sh start children of their own: end those too
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // deleteOnExit is registered
            }
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " (pid " + process.pid() + ")";
        }
    }

    /** The path of {@code java} of the JVM running the tests. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java --enable-native-access=ALL-UNNAMED} of this JVM, for a child JVM of the CLI. */
    public static List<String> javaCommand() {
        return List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED");
    }

    /**
     * Whether {@code signal} is pending for this process as a whole ({@code ShdPnd} in
     * {@code /proc/self/status}): a signal sent with kill or sigqueue to the process waits there
     * until some thread takes it.
     */
    public static boolean pendingForProcess(Signal signal) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("ShdPnd:")) {
                    BigInteger mask = new BigInteger(line.substring(7).trim(), 16);
                    return mask.testBit(signal.number() - 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no ShdPnd line in /proc/self/status");
    }

    /** {@code /proc/self/task/TID} of the dispatcher thread (its name, cut to 15 characters). */
    public static Path dispatcherTask() throws IOException {
        Signals.stats(Signal.WINCH); // the dispatcher runs
        String comm = "sigbridge-dispatch".substring(0, 15);
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            List<Path> found = tasks.filter(t -> comm.equals(readQuietly(t.resolve("comm")).trim()))
                    .collect(java.util.stream.Collectors.toList());
            assertEquals(1, found.size(), "threads named " + comm + ": " + found);
            return found.get(0);
        }
    }

    /** Whether {@code signal} is in a task's mask ({@code SigBlk}) or pending on it ({@code SigPnd}). */
    public static boolean taskMaskHas(Path task, String field, Signal signal) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith(field + ":")) {
                return new BigInteger(line.substring(field.length() + 1).trim(), 16)
                        .testBit(signal.number() - 1);
            }
        }
        throw new IllegalStateException("no " + field + " in " + task.resolve("status"));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    /**
     * Waits (bounded) until no delivery of {@code signal} is pending for this process any more,
     * so that closing its last registration cannot let a straggler hit the default action (which
     * for USR1 and the real-time signals ends the JVM). Returns false if it stayed pending.
     */
    public static boolean awaitNotPending(Signal signal) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (pendingForProcess(signal)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1); // polling a kernel flag, not synchronising with a guess
        }
        return true;
    }

    /**
     * Waits (bounded) until the accounting of {@code signal} holds and does not move: nothing in
     * the ring, nothing folded and not yet delivered. Returns the last stats read.
     */
    public static SignalStats awaitQuiescentStats(Signal signal) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        SignalStats last = Signals.stats(signal);
        for (;;) {
            SignalStats now = Signals.stats(signal);
            boolean balanced = now.invocations() == now.delivered() + now.coalesced();
            if (balanced && !pendingForProcess(signal) && now.invocations() == last.invocations()) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                fail("the accounting of " + signal + " did not settle within " + WAIT_SECONDS
                        + " s: " + now);
            }
            last = now;
            Thread.sleep(1);
        }
    }

    /**
     * Waits (bounded) until the dispatcher has handed over every event captured so far: it raises
     * WINCH (harmless: ignored by default) at a subscription and waits for that very event, which
     * the dispatcher reaches only after everything before it in the ring. Tests that flood a
     * signal call it so that stragglers cannot reach the next test's handlers.
     */
    public static void awaitDispatcherCaughtUp() throws InterruptedException {
        try (SignalSubscription barrier = Signals.subscribe(Signal.WINCH)) {
            Signals.raise(Signal.WINCH);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            for (;;) {
                SignalEvent e = barrier.poll(java.time.Duration.ofNanos(
                        Math.max(1, deadline - System.nanoTime())));
                if (e == null) {
                    fail("the dispatcher did not reach a raised WINCH within " + WAIT_SECONDS + " s");
                }
                if (e.senderPid().orElse(-1) == ourPid()) {
                    return; // ours: raise(3) is the only sender with our pid here
                }
            }
        }
    }

    /** The readable text of a sequence of numbers, for failure messages. */
    static String describe(int[] values, int around) {
        int from = Math.max(0, around - 5);
        int to = Math.min(values.length, around + 6);
        return Arrays.toString(Arrays.copyOfRange(values, from, to)) + " at index " + from;
    }
}

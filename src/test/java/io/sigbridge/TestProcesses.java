package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Shared plumbing of the in-process tests: where the programs they start are (the
 * {@code sigbridge-helper} binary, {@code java}; {@link io.sigbridge.testsupport.ChildProcess}
 * starts them), bounded waits, and this process's pending signals in {@code /proc/self/status}.
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

    /** The path of {@code java} of the JVM running the tests ({@code java.exe} on Windows). */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", WINDOWS ? "java.exe" : "java").toString();
    }

    /**
     * How every child JVM of the tests starts: this JVM's {@code java} (under qemu the aarch64
     * one), with {@code --enable-native-access=ALL-UNNAMED} for the library's System.load. On
     * Windows {@code java.exe} alone: the Windows JVM is Temurin 17, which restricts nothing.
     */
    public static List<String> javaCommand() {
        return WINDOWS ? List.of(javaExecutable()) : List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED");
    }

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

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

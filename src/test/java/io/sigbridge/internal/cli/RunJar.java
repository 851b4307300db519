package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.sigbridge.NoSuchProcessException;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;

/**
 * The {@code sigbridge run} tests' plumbing: {@code java -jar target/sigbridge.jar run ...} as a
 * user starts it, the probe program ({@code native/test/sb_run_probe.c}), real signals, and the
 * kernel's view of processes in /proc. Every wait is bounded; reaching the bound fails the test.
 */
final class RunJar {
    static final long WAIT_SECONDS = TestProcesses.WAIT_SECONDS;
    /** JUnit's @EnabledIfSystemProperty reason, for the test phase (the jar is not built yet). */
    static final String NEEDS_JAR = "runs against the built jar, in the run-tests-on-jar execution"
            + " (integration-test phase)";

    private RunJar() {}

    static Path jar() {
        return existing("sigbridge.test.jar");
    }

    static String probe() {
        return existing("sigbridge.test.runProbe").toString();
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        assertTrue(value != null && !value.isBlank(), "system property " + property + " is not set");
        Path path = Path.of(value);
        assertTrue(Files.isRegularFile(path), property + ": no file " + path);
        return path.toAbsolutePath();
    }

    /**
     * {@code java -jar sigbridge.jar run ARGS...}, as a word list, started as a shell would start
     * it (through the probe's launch: the test JVM's children have QUIT blocked and 32 and 33
     * ignored, which run would faithfully pass on).
     */
    static List<String> runCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(probe(), "launch", "--"));
        cmd.addAll(plainRunCommand(args));
        return cmd;
    }

    /** {@code java -jar sigbridge.jar run ARGS...} with whatever this JVM's children get. */
    static List<String> plainRunCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(TestProcesses.javaExecutable(), "-jar", jar().toString(), "run"));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** {@code java -jar sigbridge.jar run ARGS...} as one line for {@code sh -c}. */
    static String runShell(String... args) {
        StringBuilder sb = new StringBuilder();
        for (String w : runCommand(args)) {
            sb.append(sb.length() == 0 ? "" : " ").append(quote(w));
        }
        return sb.toString();
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static Supervised start(String... args) throws IOException {
        return new Supervised(new ProcessBuilder(runCommand(args)));
    }

    static Supervised startShell(String script) throws IOException {
        return new Supervised(new ProcessBuilder("sh", "-c", script));
    }

    static Supervised start(ProcessBuilder builder) throws IOException {
        return new Supervised(builder);
    }

    private static final java.util.regex.Pattern TERMINAL_CONTROL =
            java.util.regex.Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\r");

    /** A started supervisor (or a shell around one), its output read line by line as it comes. */
    static final class Supervised implements AutoCloseable {
        final Process process;
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
        private final List<Tail> readers = new ArrayList<>();
        private final List<Long> alsoKill = new CopyOnWriteArrayList<>();

        Supervised(ProcessBuilder builder) throws IOException {
            // Files, not the JDK's pipes: when the direct child exits, ProcessImpl drains and
            // closes its stdout, and what a leftover of the test writes later would be lost.
            Path outFile = Files.createTempFile("sigbridge-run-test-", ".out");
            Path errFile = Files.createTempFile("sigbridge-run-test-", ".err");
            outFile.toFile().deleteOnExit();
            errFile.toFile().deleteOnExit();
            process = builder.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            readers.add(new Tail(outFile, out, unread));
            readers.add(new Tail(errFile, err, null));
        }

        long pid() {
            return process.pid();
        }

        /** The next line of stdout not read with this method yet. */
        String nextLine() throws InterruptedException {
            String line = unread.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                fail("no further line on stdout; " + this);
            }
            return line;
        }

        /** Skips stdout lines until one starts with prefix; returns it. */
        String awaitLine(String prefix) throws InterruptedException {
            for (;;) {
                String line = nextLine();
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        /** Skips stdout lines until one matches {@code regex}; returns it. */
        String awaitMatching(String regex) throws InterruptedException {
            for (;;) {
                String line = nextLine();
                if (line.matches(regex)) {
                    return line;
                }
            }
        }

        /** Skips stdout lines until one is exactly {@code line}. */
        void awaitExactly(String line) throws InterruptedException {
            while (!nextLine().equals(line)) {
                // skip
            }
        }

        /** "PREFIX N ..." on stdout: N. */
        long awaitNumber(String prefix) throws InterruptedException {
            String[] words = awaitLine(prefix).substring(prefix.length()).trim().split("\\s+");
            return Long.parseLong(words[0]);
        }

        /** The probe's "ready PID". */
        long awaitReady() throws InterruptedException {
            long pid = awaitNumber("ready");
            alsoKill.add(pid);
            return pid;
        }

        void killOnClose(long pid) {
            alsoKill.add(pid);
        }

        /** Bytes to its stdin (for script(1): what a person types at the terminal). */
        void type(String text) throws IOException {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        void send(String signal) {
            Signals.send(pid(), Signal.named(signal));
        }

        void send(int signal) {
            Signals.send(pid(), Signal.ofNumber(signal));
        }

        int exit() throws InterruptedException {
            if (!process.waitFor(WAIT_SECONDS * 2, TimeUnit.SECONDS)) {
                fail("the supervisor did not end; " + this);
            }
            for (Tail t : readers) {
                t.catchUp();
            }
            return process.exitValue();
        }

        void assertExit(int expected) throws InterruptedException {
            assertEquals(expected, exit(), "exit status; " + this);
        }

        @Override
        public void close() {
            process.destroyForcibly();
            readers.forEach(Tail::stop);
            for (long pid : alsoKill) {
                try {
                    Signals.send(pid, Signal.named("KILL"));
                } catch (NoSuchProcessException gone) {
                    // ended already
                }
            }
        }

        @Override
        public String toString() {
            return "stdout " + out + ", stderr " + err;
        }
    }

    /** Reads a file as it grows, line by line, until stopped. */
    private static final class Tail {
        private final Path file;
        private volatile long position;
        private volatile boolean stopped;

        Tail(Path file, List<String> into, BlockingQueue<String> queue) {
            this.file = file;
            Thread thread = new Thread(() -> follow(into, queue), "tail " + file.getFileName());
            thread.setDaemon(true);
            thread.start();
        }

        private void follow(List<String> into, BlockingQueue<String> queue) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try (InputStream in = Files.newInputStream(file)) {
                while (!stopped) {
                    int n = in.read(buf);
                    if (n <= 0) {
                        Thread.sleep(2);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != '\n') {
                            line.write(buf[i]);
                            continue;
                        }
                        // script(1)'s pty output loses its \r and escape sequences here
                        String text = TERMINAL_CONTROL.matcher(line.toString(StandardCharsets.UTF_8)).replaceAll("");
                        line.reset();
                        into.add(text);
                        if (queue != null) {
                            queue.add(text);
                        }
                    }
                    position += n;
                }
            } catch (IOException | InterruptedException e) {
                into.add("read failed: " + e);
            }
        }

        /** Waits (a moment at most) until everything written so far is read. */
        void catchUp() throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                try {
                    if (position >= Files.size(file)) {
                        return;
                    }
                } catch (IOException e) {
                    return;
                }
                Thread.sleep(2);
            }
        }

        void stop() {
            stopped = true;
        }
    }

    /** The process state letter in /proc/PID/stat (R, S, T, Z...), or '-' when there is none. */
    static char state(long pid) {
        String stat = stat(pid);
        return stat == null ? '-' : stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** Fields after the command name of /proc/PID/stat (0: state, 1: ppid, 2: pgrp, ...). */
    static String[] statFields(long pid) {
        String stat = stat(pid);
        return stat == null ? null : stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static String stat(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return null;
        }
    }

    /** Children of pid, from every /proc/N/stat. */
    static List<Long> children(long pid) {
        List<Long> kids = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                long n = Long.parseLong(dir.getFileName().toString());
                String[] f = statFields(n);
                if (f != null && Long.parseLong(f[1]) == pid) {
                    kids.add(n);
                }
            }
        } catch (IOException e) {
            fail("cannot list /proc: " + e);
        }
        return kids;
    }

    /** Every descendant of pid. */
    static List<Long> tree(long pid) {
        List<Long> all = new ArrayList<>();
        for (long child : children(pid)) {
            all.add(child);
            all.addAll(tree(child));
        }
        return all;
    }

    static boolean exists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT_SECONDS + " s for: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The signal-set lines of /proc/PID/status (SigBlk, SigIgn...) as numbers. */
    static Map<String, Long> signalSets(List<String> statusLines) {
        Map<String, Long> sets = new java.util.TreeMap<>();
        for (String line : statusLines) {
            int colon = line.indexOf(':');
            if ((line.startsWith("Sig") || line.startsWith("ShdPnd")) && colon > 0 && !line.startsWith("SigQ")) {
                sets.put(line.substring(0, colon), Long.parseUnsignedLong(line.substring(colon + 1).trim(), 16));
            }
        }
        return sets;
    }

    static boolean has(long set, int signal) {
        return ((set >>> (signal - 1)) & 1) == 1;
    }
}

package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.sigbridge.TestProcesses;
import io.sigbridge.testsupport.ChildProcess;

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

    /** {@code java -jar sigbridge.jar run ARGS...} started as a shell would ({@link #runCommand}). */
    static ChildProcess start(String... args) throws IOException {
        return start(ChildProcess.command(runCommand(args)));
    }

    static ChildProcess startShell(String script) throws IOException {
        return start(ChildProcess.command("sh", "-c", script));
    }

    /**
     * {@code shellCommand} on a real pseudo-terminal: {@code script} (util-linux) runs it in a
     * new session on a pty and relays our stdin to it, as a person typing.
     */
    static ChildProcess onTerminal(String shellCommand) throws IOException {
        return start(ChildProcess.command("script", "-qec", shellCommand, "/dev/null").env("SHELL", "/bin/sh"));
    }

    /**
     * A supervisor (or a shell or script(1) around one): output in files, since the JDK's pipe
     * of a dead child is drained and closed, and what a leftover of the test writes later would
     * be lost; lines without a pty's CRs and escapes; the exit awaited twice as long as a line.
     */
    static ChildProcess start(ChildProcess.Builder builder) throws IOException {
        return builder.stripTerminalControl().exitTimeout(Duration.ofSeconds(WAIT_SECONDS * 2)).start();
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

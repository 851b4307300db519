package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sigbridge.testsupport.AbortingChild;

/** Last-gasp delivery and the fault reporter, in real child JVMs that really die. */
class LastGaspTest {
    @TempDir
    Path dir;

    private static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    private Result runChild(String mode, String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-Xcheck:jni");
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-Dsigbridge.test.native=" + System.getProperty("sigbridge.test.native"));
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AbortingChild.class.getName());
        cmd.add(mode);
        cmd.add(dir.toString());
        Path out = dir.resolve("output.txt");
        // ulimit -c 0: the abort must not litter the disk with core files
        Process p = new ProcessBuilder(withShell(cmd)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), mode + ": the child did not end; output:\n"
                    + Files.readString(out));
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> withShell(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("sh", "-c", "ulimit -c 0; exec \"$@\"", "sh"));
        all.addAll(cmd);
        return all;
    }

    private String file(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    @Test
    void abortOnANativeThreadRunsTheJavaHandlerAndDumpsThenDiesBySigabrt() throws Exception {
        Result r = runChild("native-thread");
        assertEquals(134, r.exit, r.output);
        assertTrue(file("handler.txt").startsWith("ran for SIGABRT"), "handler: " + file("handler.txt") + r.output);
        assertTrue(file("handler.txt").contains("thread=sigbridge-dispatch"), file("handler.txt"));
        String dump = file("dump.txt");
        assertTrue(dump.contains("sigbridge thread dump: SIGABRT"), dump);
        assertTrue(dump.contains("native thread") && dump.contains("\"sb-aborter\""),
                "the dump names the aborting native thread:\n" + dump);
        assertTrue(dump.contains("\"main\"") && dump.contains("nid="), "Java stacks with native ids:\n" + dump);
        assertTrue(dump.contains("end of thread dump"), dump);
        assertFalse(r.output.contains("WARNING in native method"), r.output);
    }

    @Test
    void raiseAbrtFromJavaRunsTheHandlerThenDiesBySigabrt() throws Exception {
        Result r = runChild("raise");
        assertEquals(134, r.exit, r.output);
        assertTrue(file("handler.txt").startsWith("ran for SIGABRT"), r.output);
        assertTrue(file("dump.txt").contains("end of thread dump"), file("dump.txt"));
    }

    @Test
    void killDashAbrtFromAnotherProcessRunsTheHandlerThenDiesBySigabrt() throws Exception {
        // Process-directed: the kernel may pick any thread but the dispatcher, which blocks
        // last-gasp signals for itself so that it stays free to run the Java handlers.
        for (int round = 0; round < 5; round++) {
            Files.deleteIfExists(dir.resolve("handler.txt"));
            Path out = dir.resolve("output.txt");
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            if (Runtime.version().feature() >= 24) {
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.addAll(List.of("-Xcheck:jni", "-XX:-CreateCoredumpOnCrash", "-cp", System.getProperty("java.class.path"),
                    AbortingChild.class.getName(), "killed-with-abrt", dir.toString()));
            Process p = new ProcessBuilder(withShell(cmd)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(out).contains("READY")) {
                    assertTrue(System.nanoTime() < deadline, Files.readString(out));
                    Thread.sleep(5);
                }
                assertEquals(0, new ProcessBuilder("kill", "-ABRT", Long.toString(p.pid())).start().waitFor());
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                assertEquals(134, p.exitValue(), Files.readString(out));
                assertTrue(file("handler.txt").startsWith("ran for SIGABRT"), "round " + round + ": " + Files.readString(out));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void severalThreadsAbortingAtOnceStillEndTheProcessBySigabrt() throws Exception {
        Result r = runChild("several-threads");
        assertEquals(134, r.exit, r.output);
        assertTrue(file("handler.txt").startsWith("ran for SIGABRT"), r.output);
    }

    @Test
    void aHandlerThatNeverReturnsDoesNotKeepTheProcessAliveBeyondTheGrace() throws Exception {
        Result r = runChild("hang-in-handler", "-Dsigbridge.lastgasp.grace=500ms");
        assertEquals(134, r.exit, r.output);
        assertTrue(file("handler.txt").startsWith("ran for SIGABRT"), r.output);
    }

    @Test
    void abortOnTheDispatcherThreadItselfDoesNotDeadlock() throws Exception {
        // The only thread that could run the Java ABRT handlers is the one aborting: the native
        // handler does not wait, and the process ends by SIGABRT at once.
        Result r = runChild("abort-on-dispatcher", "-Dsigbridge.lastgasp.grace=60s");
        assertEquals(134, r.exit, r.output);
        assertEquals("", file("handler.txt"), "no Java ABRT handler can run on the aborting dispatcher");
    }

    @Test
    void chainPreviousOntoADefaultThatEndsTheProcessIsSynchronous() throws Exception {
        // Under -Xrs TERM's previous action is SIG_DFL: the handler runs, then TERM ends the process.
        Path out = dir.resolve("output.txt");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xrs", "-Xcheck:jni", "-cp", System.getProperty("java.class.path")));
        if (Runtime.version().feature() >= 24) {
            cmd.add(1, "--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of(AbortingChild.class.getName(), "term-previous-default", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(out).contains("READY")) {
                assertTrue(System.nanoTime() < deadline, Files.readString(out));
                Thread.sleep(5);
            }
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue(), Files.readString(out));
            assertEquals("ran for SIGTERM(15)", file("handler.txt"));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void dumpLaterOnAHungChildDumpsAndEndsIt() throws Exception {
        Result r = runChild("dump-later-exit");
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("sigbridge thread dump: no progress after PT0.3S"), r.output);
        assertTrue(r.output.contains("\"main\"") && r.output.contains("java.lang.Thread.sleep"),
                "the hung main thread is in the dump:\n" + r.output);
    }

    @Test
    void dumpLaterWithoutExitDumpsAndKeepsRunning() throws Exception {
        Result r = runChild("dump-later-keep-running");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("STILL RUNNING"), r.output);
        assertTrue(file("dump.txt").contains("no progress after PT0.3S"), file("dump.txt"));
    }

    @Test
    void dumpOnASignalDumpsAndKeepsRunning() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Registration r = FaultReporter.dumpOn(Signal.USR1, out);
                SignalSubscription after = Signals.subscribe(Signal.USR1)) {
            Signals.raise(Signal.USR1);
            after.take(); // registered after the dump, so it runs after the dump was written
            Signals.raise(Signal.USR1);
            after.take();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.split("=== sigbridge thread dump: SIGUSR1", -1).length - 1, text);
        assertTrue(text.contains(Thread.currentThread().getName()), text);
    }

    @Test
    void faultReporterRefusesSignalsTheProcessDoesNotDieOf() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FaultReporter.enable(System.err, Signal.USR1));
    }
}

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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.AbortingChild;
import io.sigbridge.testsupport.ChildProcess;

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

    /** A child that must not leave a core file behind when it aborts. */
    private ChildProcess startChild(String mode, String... jvmOptions) throws IOException {
        List<String> options = new ArrayList<>(List.of("-XX:-CreateCoredumpOnCrash",
                "-Dsigbridge.test.native=" + System.getProperty("sigbridge.test.native")));
        options.addAll(List.of(jvmOptions));
        return ChildProcess.jvm(AbortingChild.class).viaShell("ulimit -c 0")
                .jvmOptions(options.toArray(new String[0])).args(mode, dir.toString()).start();
    }

    private Result runChild(String mode, String... jvmOptions) throws IOException, InterruptedException {
        try (ChildProcess child = startChild(mode, jvmOptions)) {
            int exit = child.awaitExit();
            return new Result(exit, child.output());
        }
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
            try (ChildProcess child = startChild("killed-with-abrt")) {
                child.kill("ABRT");
                assertEquals(134, child.awaitExit(), child.describe());
                assertTrue(file("handler.txt").startsWith("ran for SIGABRT"), "round " + round + ": " + child.describe());
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
        try (ChildProcess child = startChild("term-previous-default", "-Xrs")) {
            child.kill("TERM");
            assertEquals(143, child.awaitExit(), child.describe());
            assertEquals("ran for SIGTERM(15)", file("handler.txt"));
        }
    }

    @Test
    void chainPreviousOntoTheDefaultSunMiscSignalPutBackEndsTheProcessByTheSignal() throws Exception {
        // HotSpot puts a default back as SIG_DFL with SA_SIGINFO; chaining to it once called
        // address 0 in the signal handler (a JVM crash, 134, instead of 138).
        try (ChildProcess child = startChild("usr1-previous-after-sun-misc-default")) {
            child.awaitLine("READY");
            assertEquals(Integer.toString(NativeSignals.DISPOSITION_DEFAULT), file("disposition.txt"),
                    "USR1 after sun.misc.Signal.handle(SIG_DFL)");
            child.kill("USR1");
            assertEquals(128 + Signal.USR1.number(), child.awaitExit(), child.describe());
            assertEquals("ran for SIGUSR1(10)", file("handler.txt"));
        }
    }

    @Test
    void faultReporterOnTermDumpsThenTheJvmShutsDownAsItWouldHave() throws Exception {
        try (ChildProcess child = startChild("fault-on-term")) {
            child.kill("TERM");
            assertEquals(143, child.awaitExit(), child.describe());
        }
        String dump = file("dump.txt");
        assertTrue(dump.contains("sigbridge thread dump: SIGTERM(15) from pid "), dump);
        assertTrue(dump.contains("\"main\"") && dump.contains("end of thread dump"), dump);
        assertEquals("hook ran", file("hook.txt"), "Chain.PREVIOUS: the JVM's shutdown hooks ran after the dump");
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

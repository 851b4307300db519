package io.sigbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;
import io.sigbridge.testsupport.ChildProcess;

/**
 * The harness ending a real JVM: a child JVM runs a sample test that hangs ignoring interrupts,
 * or aborts; the test checks the child's exit status, its standard error and the dump files.
 */
class HaltAndAbortTest {
    private static final Object LOCK = new Object();

    static class Hangs {
        @Test
        void ignoresInterrupts() {
            synchronized (LOCK) {
                for (;;) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException ignored) {
                        // a hung test that JUnit's @Timeout could not stop
                    }
                }
            }
        }
    }

    static class Aborts {
        @Test
        void abortsWithoutJni() {
            Signals.raise(Signal.ABRT);
        }
    }

    private static ChildProcess child(String sample, String... parameters) throws IOException {
        return ChildProcess.command(TestProcesses.javaExecutable(), "-Xcheck:jni", "-cp",
                System.getProperty("java.class.path"), HarnessChild.class.getName(), sample)
                .args(parameters).mergeStderr().start();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aHungTestIsDumpedThenTheJvmHaltsWithTheDistinctiveStatus(@TempDir Path dir) throws Exception {
        String test = Hangs.class.getName() + ".ignoresInterrupts()";
        try (ChildProcess c = child(Hangs.class.getName() + "#ignoresInterrupts",
                SigbridgeJUnit.DUMP_AFTER + "=500ms", SigbridgeJUnit.HALT_AFTER + "=2s", SigbridgeJUnit.DUMP_DIR + "=" + dir)) {
            assertEquals(SigbridgeJUnit.HALT_STATUS, c.awaitExit(), c.output());
            long pid = c.pid();
            Path early = dir.resolve(test.replace('$', '_') + ".after-500ms." + pid + ".txt");
            Path last = dir.resolve(test.replace('$', '_') + ".halt." + pid + ".txt");
            // Only the hung test's dumps name it. A container whose own code ran past dump.after
            // (the engine's start-up, slow under an emulator) is dumped too, under its own name.
            List<Path> all = files(dir);
            assertEquals(List.of(early, last), all.stream()
                    .filter(f -> f.getFileName().toString().startsWith(test.replace('$', '_')))
                    .collect(Collectors.toList()), all.toString());
            assertTrue(all.stream().allMatch(f -> f.equals(early) || f.equals(last)
                    || f.getFileName().toString().endsWith(".after-500ms." + pid + ".txt")), all.toString());
            assertTrue(c.output().contains("sigbridge.junit: " + test + " still running after 2 s ("
                    + SigbridgeJUnit.HALT_AFTER + "=2s): thread dump in " + last + "; halting the JVM with status 86"),
                    c.output());
            for (Path f : List.of(early, last)) {
                String dump = Files.readString(f, StandardCharsets.UTF_8);
                assertTrue(dump.startsWith("sigbridge.junit: " + test), dump);
                assertTrue(dump.contains("\ntest: [engine:junit-jupiter]/[class:" + Hangs.class.getName()
                        + "]/[method:ignoresInterrupts()]\n"), dump);
                assertTrue(dump.contains("at " + Hangs.class.getName() + ".ignoresInterrupts(HaltAndAbortTest.java:"), dump);
                assertTrue(dump.contains("- locked <0x"), "the lock the test holds: " + dump);
            }
            assertTrue(Files.readString(early).startsWith("sigbridge.junit: " + test + " has run for 500 ms ("
                    + SigbridgeJUnit.DUMP_AFTER + "=500ms)\n"));
        }
    }

    @Test
    void withoutHaltAfterTheSameTestHangsOn() throws Exception {
        try (ChildProcess c = child(Hangs.class.getName() + "#ignoresInterrupts")) {
            assertFalse(c.process().waitFor(3, java.util.concurrent.TimeUnit.SECONDS),
                    "the sample really hangs: only the halt ends it\n" + c.output());
        }
    }

    @Test
    void anAbortLeavesADumpNamedAfterTheTestAndTheJvmStillDiesOfIt(@TempDir Path dir) throws Exception {
        String test = Aborts.class.getName() + ".abortsWithoutJni()";
        try (ChildProcess c = child(Aborts.class.getName() + "#abortsWithoutJni",
                SigbridgeJUnit.DUMP_DIR + "=" + dir)) {
            assertEquals(128 + Signal.ABRT.number(), c.awaitExit(), c.output());
            Path file = dir.resolve(test.replace('$', '_') + ".abort." + c.pid() + ".txt");
            assertEquals(List.of(file), files(dir));
            String dump = Files.readString(file, StandardCharsets.UTF_8);
            assertTrue(dump.startsWith("sigbridge.junit: SIGABRT"), dump);
            assertTrue(dump.contains(", received by native thread "), dump);
            assertTrue(dump.contains(" during " + test + "; the process ends by SIGABRT after this dump\n"), dump);
            assertTrue(dump.contains("at io.sigbridge.internal.NativeSignals.raise(Native Method)"), dump);
            assertTrue(dump.contains("at " + Aborts.class.getName() + ".abortsWithoutJni(HaltAndAbortTest.java:"), dump);
            assertTrue(c.output().contains("sigbridge.junit: SIGABRT"), c.output());
        }
    }

    @Test
    void withoutParametersAnAbortLeavesNoDump(@TempDir Path dir) throws Exception {
        try (ChildProcess c = child(Aborts.class.getName() + "#abortsWithoutJni")) {
            assertEquals(128 + Signal.ABRT.number(), c.awaitExit(), c.output());
            assertFalse(c.output().contains("sigbridge.junit:"), c.output());
        }
    }
}

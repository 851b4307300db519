package io.sigbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;

import io.sigbridge.TestProcesses;
import io.sigbridge.testsupport.ChildProcess;

/**
 * Dumps that leave the run going: the early warning of a slow test (listener and
 * {@code @SignalTimeout}), and a dump on a real {@code kill -USR1}; bad parameters reported.
 */
class DumpTest {
    static Path dir;
    private static final Object LOCK = new Object();

    /** Waits, bounded, for a dump file whose name ends with {@code suffix} to appear in {@link #dir}. */
    static Path awaitDump(String suffix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TestProcesses.WAIT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<Path> found = list(dir).stream().filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst();
            if (found.isPresent() && Files.size(found.get()) > 0
                    && Files.readString(found.get()).contains("=== end of thread dump ===")) {
                return found.get();
            }
            Thread.sleep(20); // polling a directory another thread writes into
        }
        throw new AssertionError("no dump *" + suffix + " in " + dir + " within " + TestProcesses.WAIT_SECONDS + " s");
    }

    static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    static class Samples {
        @Test
        void slowWhileHoldingALock() throws Exception {
            synchronized (LOCK) {
                awaitDump(".after-300ms." + TestProcesses.ourPid() + ".txt");
            }
        }

        @Test
        @SignalTimeout(dumpAfter = "300ms")
        void slowUnderSignalTimeout() throws Exception {
            awaitDump(".after-300ms." + TestProcesses.ourPid() + ".txt");
        }

        @Test
        void killedWithUsr1() throws Exception {
            ChildProcess.Ran kill = ChildProcess.runToSuccess("kill", "-USR1", Long.toString(TestProcesses.ourPid()));
            Path dump = awaitDump(".USR1." + TestProcesses.ourPid() + ".txt");
            Files.writeString(dir.resolve("sender"), Long.toString(kill.pid));
            assertTrue(Files.readString(dump).contains("SIGUSR1 from pid " + kill.pid));
        }
    }

    private static String dumpOf(String sample, String kind) throws IOException {
        Path file = dir.resolve(DumpTest.class.getName() + "_Samples." + sample + "()." + kind + "."
                + TestProcesses.ourPid() + ".txt");
        assertTrue(Files.exists(file), file + " in " + list(dir));
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void aSlowTestGetsAnEarlyDumpWithItsLocksAndRunsOn(@TempDir Path tmp) throws Exception {
        dir = tmp;
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.DUMP_AFTER, "300ms", SigbridgeJUnit.DUMP_DIR, tmp.toString(),
                SigbridgeJUnit.DUMP_ABORT, "false"), selectMethod(Samples.class, "slowWhileHoldingALock"));
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.result("slowWhileHoldingALock").getStatus(),
                run.failure("slowWhileHoldingALock"));
        String dump = dumpOf("slowWhileHoldingALock", "after-300ms");
        String test = Samples.class.getName() + ".slowWhileHoldingALock()";
        assertTrue(dump.startsWith("sigbridge.junit: " + test + " has run for 300 ms (sigbridge.junit.dump.after=300ms)\n"
                + "test: [engine:junit-jupiter]/[class:" + Samples.class.getName() + "]/[method:slowWhileHoldingALock()]\n"
                + "=== sigbridge thread dump: sigbridge.junit: " + test), dump);
        assertTrue(dump.contains("at " + Samples.class.getName() + ".slowWhileHoldingALock(DumpTest.java:"), dump);
        assertTrue(dump.contains("- locked <0x"), dump);
        assertTrue(dump.contains("\"sigbridge-junit-watchdog\""), "the dump is the JVM's, every thread: " + dump);
        assertEquals(1, list(tmp).size(), "one dump: neither the class nor the engine ran its own code 300 ms");
    }

    @Test
    void signalTimeoutDumpsTheAnnotatedTestWithoutTheListenersParameters(@TempDir Path tmp) throws Exception {
        dir = tmp;
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.DUMP_DIR, tmp.toString(), SigbridgeJUnit.DUMP_ABORT, "false"),
                selectMethod(Samples.class, "slowUnderSignalTimeout"));
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.result("slowUnderSignalTimeout").getStatus(),
                run.failure("slowUnderSignalTimeout"));
        assertTrue(dumpOf("slowUnderSignalTimeout", "after-300ms").startsWith("sigbridge.junit: " + Samples.class.getName()
                + ".slowUnderSignalTimeout() has run for 300 ms (@SignalTimeout(dumpAfter = \"300ms\"))\n"));
    }

    @Test
    void aRealKillDumpsToAFileAndTheRunGoesOn(@TempDir Path tmp) throws Exception {
        dir = tmp;
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "USR1", SigbridgeJUnit.DUMP_DIR, tmp.toString()),
                selectMethod(Samples.class, "killedWithUsr1"));
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.result("killedWithUsr1").getStatus(),
                run.failure("killedWithUsr1"));
        String dump = dumpOf("killedWithUsr1", "USR1");
        String sender = Files.readString(tmp.resolve("sender"));
        assertTrue(dump.startsWith("sigbridge.junit: SIGUSR1 from pid " + sender + ", received by native thread "), dump);
        assertTrue(dump.contains(" during " + Samples.class.getName() + ".killedWithUsr1()\n"), dump);
    }

    @Test
    void aSignalHotSpotKeepsIsRefusedWithTheReason() {
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.DUMP_SIGNAL, "USR2", SigbridgeJUnit.DUMP_ABORT, "false"),
                selectMethod(Samples.class, "slowUnderSignalTimeout"));
        assertEquals(1, run.reports().size(), run.reports().toString());
        assertTrue(run.reports().get(0).startsWith("no dump on USR2: "), run.reports().get(0));
        assertTrue(run.reports().get(0).contains("HotSpot suspends and resumes threads with it"), run.reports().get(0));
    }

    @Test
    void aMalformedParameterIsReportedNamingIt() {
        NestedRun run = NestedRun.of(Map.of(SigbridgeJUnit.HALT_AFTER, "10 minutes"),
                selectMethod(Samples.class, "slowUnderSignalTimeout"));
        assertEquals(List.of("sigbridge.junit.halt.after=10 minutes is not a positive duration (write 500ms, 30s, 5m,"
                + " 1h or ISO-8601 such as PT5M)"), run.reports());
    }
}

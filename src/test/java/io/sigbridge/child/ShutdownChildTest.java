package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sigbridge.Shutdown;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;

/**
 * {@link io.sigbridge.Shutdown} in real child JVMs ({@link ShutdownChild}), triggered by the real
 * {@code kill}: the order of the phases, timeouts, the deadline, the second signal, early
 * signals, exit statuses and what is restored.
 */
class ShutdownChildTest {
    private static final int DIED_BY_TERM = 128 + 15;

    private static ChildProcess start(String... args) throws Exception {
        return ChildProcess.jvm(ShutdownChild.class).args(args).start();
    }

    private static int index(List<String> out, String prefix) {
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest(name = "-Xrs: {0}")
    @ValueSource(booleans = {false, true})
    void phasesRunInOrderOnOneThreadWithTheSenderThenTheHooksAndExitStatus0(boolean xrs) throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ShutdownChild.class).jvmOptions(xrs ? new String[] {"-Xrs"} : new String[0])
                .args("order", "0").start()) {
            long sender = child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(0, exit, "exitStatus(0) after phases that all ended in time\n" + child.describe());
            List<String> out = child.stdoutLines();
            int a = index(out, "PHASE a");
            int b = index(out, "PHASE b");
            int c = index(out, "PHASE c");
            int hook = index(out, "HOOK ran");
            assertTrue(a >= 0 && a < b && b < c && c < hook, "a, b, c, then the JVM's hooks\n" + child.describe());
            for (int i : new int[] {a, b, c}) {
                Map<String, String> f = ChildProcess.fields(out.get(i));
                assertEquals(Long.toString(sender), f.get("sender"), "the kill process reaches the phase: " + out.get(i));
                assertEquals("TERM", f.get("signal"));
                assertEquals("sigbridge-shutdown", f.get("thread"), "not the dispatcher: " + out.get(i));
            }
            assertTrue(child.stderr().contains("System.exit(0)"), child.describe());
        }
    }

    @Test
    void withoutAnExitStatusItIs128PlusTheSignal() throws Exception {
        try (ChildProcess child = start("order")) {
            child.kill("INT");
            assertEquals(128 + 2, child.awaitExit(), child.describe());
            assertEquals("INT", ChildProcess.fields(child.stdoutLines().get(index(child.stdoutLines(), "PHASE c")))
                    .get("signal"), child.describe());
        }
    }

    @Test
    void aPhaseThatThrowsOrPassesItsTimeoutIsLoggedAndTheNextRuns() throws Exception {
        try (ChildProcess child = start("timeout")) {
            child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(DIED_BY_TERM, exit, "a phase failed: 128+n despite exitStatus(0)\n" + child.describe());
            List<String> out = child.stdoutLines();
            int threw = index(out, "PHASE throws");
            int slow = index(out, "PHASE slow signal");
            int interrupted = index(out, "PHASE slow interrupted");
            int after = index(out, "PHASE after");
            assertTrue(threw >= 0 && threw < slow && slow < after, child.describe());
            assertTrue(interrupted > slow, "the late phase was interrupted\n" + child.describe());
            assertEquals("sigbridge-shutdown", ChildProcess.fields(out.get(slow)).get("thread"));
            assertEquals("sigbridge-shutdown-2", ChildProcess.fields(out.get(after)).get("thread"),
                    "the next phase runs on a fresh thread\n" + child.describe());
            String log = child.stderr();
            assertTrue(log.contains("phase 'throws' threw after") && log.contains("boom in a phase"),
                    "which phase threw, after how long, why\n" + child.describe());
            assertTrue(log.contains("phase 'slow' did not end within its timeout of 500 ms"), child.describe());
            assertTrue(log.contains("2 of 3 phases failed"), child.describe());
            assertTrue(index(out, "HOOK ran") > after, child.describe());
        }
    }

    @Test
    void theDeadlineHaltsWithAllStacksAnd124() throws Exception {
        try (ChildProcess child = start("deadline")) {
            child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(Shutdown.DEFAULT_DEADLINE_STATUS, exit, child.describe());
            String err = child.stderr();
            assertTrue(err.contains("=== sigbridge thread dump: shutdown deadline of 1500 ms passed"),
                    child.describe());
            assertTrue(err.contains("phase 'hangs' running for"), child.describe());
            assertTrue(err.contains("\"sigbridge-shutdown\"") && err.contains("ShutdownChild.hangInPhase"),
                    "the dump shows the hung phase's stack\n" + child.describe());
            assertFalse(child.stdoutLines().contains("HOOK ran"), "halt: no hooks\n" + child.describe());
        }
    }

    @Test
    void theDeadlineCoversTheJvmsHooksAndCanDumpToAFile(@TempDir Path dir) throws Exception {
        try (ChildProcess child = start("hook-hangs")) {
            child.kill("TERM");
            child.firstLine("HOOK started");
            assertEquals(Shutdown.DEFAULT_DEADLINE_STATUS, child.awaitExit(), child.describe());
            String err = child.stderr();
            assertTrue(err.contains("the phases done, in the JVM's shutdown hooks"), child.describe());
            assertTrue(err.contains("\"child-hook\""), "the hung hook is in the dump\n" + child.describe());
        }
        Path file = dir.resolve("stacks.txt");
        try (ChildProcess child = start("deadline", file.toString())) {
            child.kill("TERM");
            assertEquals(Shutdown.DEFAULT_DEADLINE_STATUS, child.awaitExit(), child.describe());
            String dump = Files.readString(file);
            assertTrue(dump.contains("=== sigbridge thread dump: shutdown deadline") && dump.contains("hangInPhase"), dump);
            assertTrue(child.stderr().contains("all stacks in " + file), child.describe());
        }
    }

    @Test
    void aSecondTermHaltsAtOnceWith143AndADump() throws Exception {
        try (ChildProcess child = start("second")) {
            child.kill("TERM");
            child.firstLine("PHASE waits");
            long second = child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(DIED_BY_TERM, exit, child.describe());
            String err = child.stderr();
            assertTrue(err.contains("=== sigbridge thread dump: second trigger SIGTERM(15) from pid " + second
                    + " while shutting down"), child.describe());
            assertTrue(err.contains("phase 'waits' running for"), child.describe());
            assertFalse(child.stdoutLines().contains("HOOK ran"), "halt: no hooks\n" + child.describe());
        }
    }

    @Test
    void aSecondTermDuringTheJvmsHooksStillHaltsAtOnce() throws Exception {
        try (ChildProcess child = start("second-in-hooks")) {
            child.kill("TERM");
            child.firstLine("HOOK started");
            child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(DIED_BY_TERM, exit, "the hook sleeps 60 s: only the second TERM ends it\n"
                    + child.describe());
            assertTrue(child.stderr().contains("in the JVM's shutdown hooks): halting with status 143"),
                    child.describe());
        }
    }

    @Test
    void aTermDuringStartUpIsHeldAndRunsThePhasesOnceTheyExist() throws Exception {
        try (ChildProcess child = start("early")) {
            assertTrue(child.stdoutLines().contains("EARLY active=true"), child.describe());
            long sender = child.kill("TERM");
            child.awaitStderr("came during start-up; held");
            child.tell("ping");
            assertEquals("1", ChildProcess.fields(child.firstLine("ALIVE ping")).get("delivered"), child.describe());
            assertTrue(child.isAlive(), "the held TERM did not end the JVM half-started\n" + child.describe());
            assertFalse(child.stdout().contains("PHASE"), child.describe());
            child.tell("install");
            int exit = child.awaitExit();
            assertEquals(0, exit, child.describe());
            List<String> out = child.stdoutLines();
            int a = index(out, "PHASE a");
            int b = index(out, "PHASE b");
            assertTrue(index(out, "INSTALLED early-active=false") >= 0, child.describe());
            assertTrue(a >= 0 && a < b && b < index(out, "HOOK ran"), child.describe());
            assertEquals(Long.toString(sender), ChildProcess.fields(out.get(a)).get("sender"),
                    "the held event is the one the phases get\n" + child.describe());
            assertTrue(child.stderr().contains("held since start-up"), child.describe());
        }
    }

    @Test
    void closingTheEarlyRegistrationHandsAHeldTermToTheJvm() throws Exception {
        try (ChildProcess child = start("early-close")) {
            child.kill("TERM");
            child.awaitStderr("came during start-up; held");
            child.tell("close");
            assertEquals(DIED_BY_TERM, child.awaitExit(), "the JVM's own TERM handling, late\n" + child.describe());
            assertTrue(child.stdoutLines().contains("HOOK ran"), child.describe());
        }
    }

    @Test
    void oneShutdownPerProcessAndCloseGivesTermBackToTheJvm() throws Exception {
        try (ChildProcess child = start("once")) {
            List<String> out = child.stdoutLines();
            for (String label : new String[] {"SECOND-INSTALL", "SECOND-EARLY", "AFTER-EARLY"}) {
                String line = out.get(index(out, label + " "));
                assertTrue(line.startsWith(label + " java.lang.IllegalStateException cause=true"
                        + " message=cannot "), line);
                assertTrue(line.contains("one per process"), line);
            }
            assertTrue(out.contains("CLOSED active=false"), child.describe());
            Map<String, String> address = ChildProcess.fields(out.get(index(out, "ADDRESS ")));
            assertNotEquals(address.get("before"), address.get("during"), address.toString());
            assertEquals(address.get("before"), address.get("after"), "the JVM's TERM handler is back: " + address);
            assertEquals(Integer.toString(NativeSignals.DISPOSITION_OTHER), address.get("disposition"));

            child.kill("TERM");
            assertEquals(DIED_BY_TERM, child.awaitExit(), child.describe());
            assertTrue(child.stdoutLines().contains("HOOK ran"), "the JVM's own TERM handling\n" + child.describe());
            assertFalse(child.stdout().contains("PHASE never ran"), child.describe());
        }
    }

    @ParameterizedTest(name = "-Xrs: {0}")
    @ValueSource(booleans = {false, true})
    void chainPreviousHandlersRunAndTheShutdownDecidesTheEnd(boolean xrs, @TempDir Path dir) throws Exception {
        // Under -Xrs the previous action is SIG_DFL, which would make TERM a last gasp: the
        // process would die by TERM right after the handlers, before the phases.
        Path report = dir.resolve("faults.txt");
        try (ChildProcess child = ChildProcess.jvm(ShutdownChild.class).jvmOptions(xrs ? new String[] {"-Xrs"} : new String[0])
                .args("chain", report.toString()).start()) {
            long sender = child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(0, exit, "not 143: the JVM's exit is not chained while the Shutdown owns TERM\n"
                    + child.describe());
            List<String> out = child.stdoutLines();
            assertTrue(index(out, "USER handler") >= 0 && index(out, "PHASE a") < index(out, "HOOK ran"),
                    child.describe());
            assertTrue(Files.readString(report).contains("=== sigbridge thread dump: SIGTERM(15) from pid " + sender),
                    "FaultReporter still wrote its report");
        }
    }

    @Test
    void systemExitInAPhaseEndsThereWithItsStatus() throws Exception {
        try (ChildProcess child = start("exit-in-phase")) {
            child.kill("TERM");
            assertEquals(7, child.awaitExit(), child.describe());
            List<String> out = child.stdoutLines();
            assertTrue(index(out, "PHASE exits") >= 0 && out.contains("HOOK ran"), child.describe());
            assertEquals(-1, index(out, "PHASE after"), child.describe());
            assertTrue(child.stderr().contains("sigbridge: shutdown: phase 'exits' called System.exit"),
                    child.describe());
        }
    }

    @Test
    void mainReturningDuringThePhasesDoesNotEndTheJvm() throws Exception {
        try (ChildProcess child = start("main-returns")) {
            child.kill("TERM");
            assertEquals(5, child.awaitExit(), "the configured status, not 0 from main's return\n" + child.describe());
            List<String> out = child.stdoutLines();
            int mainReturned = index(out, "MAIN returns");
            assertTrue(mainReturned >= 0 && mainReturned < index(out, "PHASE a done")
                    && index(out, "PHASE a done") < index(out, "PHASE b"), child.describe());
        }
    }

    @Test
    void systemExitElsewhereDuringThePhasesWaitsForThemAndKeepsItsStatus() throws Exception {
        try (ChildProcess child = start("exit-elsewhere")) {
            child.kill("TERM");
            assertEquals(6, child.awaitExit(), "the status of the System.exit that came first\n" + child.describe());
            List<String> out = child.stdoutLines();
            assertTrue(index(out, "MAIN exits 6") < index(out, "PHASE a done")
                    && index(out, "PHASE a done") < index(out, "PHASE b"),
                    "the phases still ran to their end\n" + child.describe());
            assertTrue(child.stderr().contains("the JVM began to exit"), child.describe());
        }
    }

    @Test
    void aTermWhileTheJvmIsAlreadyExitingRunsNoPhasesAndASecondHalts() throws Exception {
        try (ChildProcess child = start("jvm-exiting")) {
            child.tell("exit");
            child.firstLine("HOOK started");
            child.kill("TERM");
            child.awaitStderr("while the JVM is already exiting");
            assertTrue(child.isAlive(), child.describe());
            child.kill("TERM");
            assertEquals(DIED_BY_TERM, child.awaitExit(), child.describe());
            assertFalse(child.stdout().contains("PHASE never"), child.describe());
            assertTrue(child.stderr().contains("which came while the JVM was already exiting): halting with status 143"),
                    child.describe());
        }
    }

    @Test
    void theReadmeExampleFinishesARequestInFlightAndExits0() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(GracefulServerChild.class).args("0").start()) {
            String port = child.firstLine("listening on port ").split("[ ,]+")[3];
            // /work takes 3 s; sent now it is in flight when the TERM comes (and, arriving within
            // the 5 s delay, it is accepted in any case)
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
                try {
                    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/work")
                            .openConnection();
                    c.setReadTimeout((int) ChildProcess.WAIT.toMillis());
                    return c.getResponseCode();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            child.kill("TERM");
            assertEquals(200, status.get(ChildProcess.WAIT.toSeconds(), TimeUnit.SECONDS), child.describe());
            assertEquals(0, child.awaitExit(), child.describe());
            String log = child.stderr();
            assertTrue(log.indexOf("phase 'stop-accepting' done") < log.indexOf("phase 'drain' done")
                    && log.indexOf("phase 'drain' done") < log.indexOf("phase 'close' done")
                    && log.contains("all phases done"), child.describe());
        }
    }
}

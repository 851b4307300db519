package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;
import io.sigbridge.testsupport.LastGaspChild;

/**
 * A last gasp parks the receiving thread in its signal handler until the dispatcher ran the Java
 * handlers. These child JVMs die for real; each checks the dispatcher got through or, when it
 * cannot (it is blocked on what the parked thread holds), that the wait ended early and said why
 * on stderr instead of freezing the JVM for the whole grace (issue 13 #2, #5, #10).
 */
class LastGaspProgressTest {
    private static final String STALLED = "the dispatcher thread made no progress";
    private static final String GRACE_OVER = "did not finish within the grace";

    private static ChildProcess start(String mode, String shell, String... jvmOptions) throws IOException {
        List<String> options = new ArrayList<>(List.of("-XX:-CreateCoredumpOnCrash",
                "-Dsigbridge.test.native=" + System.getProperty("sigbridge.test.native")));
        options.addAll(List.of(jvmOptions));
        return ChildProcess.jvm(LastGaspChild.class).viaShell("ulimit -c 0" + shell)
                .jvmOptions(options.toArray(new String[0])).args(mode).start();
    }

    private static long timed(ChildProcess child, String what) throws InterruptedException {
        long started = System.nanoTime();
        int exit = child.awaitExit();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println(what + ": exit " + exit + " after " + millis + " ms (printed, not asserted)");
        return exit;
    }

    @Test
    void abortInsideMallocReachesTheHandlerAndStopsWaitingWhenTheDispatcherBlocksOnTheHeapLock()
            throws Exception {
        // Grace 9 s, so a stall window of 3 s: a wait that ran into the grace says so instead.
        try (ChildProcess child = start("malloc-lock", "; export MALLOC_ARENA_MAX=1",
                "-Dsigbridge.lastgasp.grace=9s")) {
            assertEquals(134, timed(child, "abort inside free()"), child.describe());
            assertTrue(child.stdout().contains("REACHED"),
                    "the dispatch path to the handler needs no malloc\n" + child.describe());
            assertFalse(child.stdout().contains("AFTER MALLOC"), child.describe());
            assertTrue(child.stderr().contains(STALLED), child.describe());
            assertFalse(child.stderr().contains(GRACE_OVER), child.describe());
        }
    }

    @Test
    void aThreadParkedInJavaCodeDelayingASafepointDoesNotFreezeTheJvmForTheGrace() throws Exception {
        try (ChildProcess child = start("safepoint", "", "-Dsigbridge.lastgasp.grace=9s")) {
            String tid = child.firstLine("SPINNER ").substring("SPINNER ".length());
            child.run("kill", "-USR1", tid); // to the spinner: the kernel prefers the named thread
            assertEquals(128 + Signal.USR1.number(), timed(child, "safepoint held by a parked thread"),
                    child.describe());
            assertTrue(child.stdout().contains("HANDLER START"), child.describe());
            assertTrue(child.stderr().contains(STALLED), child.describe());
        }
    }

    @Test
    void aLastGaspFoldedIntoAFullRingIsReleasedOnceItsHandlerRan() throws Exception {
        try (ChildProcess child = start("folded-abrt", "", "-Dsigbridge.ring.size=2",
                "-Dsigbridge.lastgasp.grace=6s")) {
            assertEquals(134, timed(child, "folded ABRT"), child.describe());
            assertTrue(child.stdout().contains("ABRT HANDLED folded=true"), child.describe());
            assertFalse(child.stderr().contains(STALLED), child.describe());
            assertFalse(child.stderr().contains(GRACE_OVER), child.describe());
        }
    }

    @Test
    void aHandlerThatInterruptsTheDispatcherDoesNotCutTheLastGaspShort() throws Exception {
        try (ChildProcess child = start("abrt-interrupting", "")) {
            child.kill("ABRT");
            assertEquals(134, child.awaitExit(), child.describe());
            assertTrue(child.stdout().contains("EXECUTOR DONE"),
                    "the executor handler finished before the process died\n" + child.describe());
        }
    }
}

package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * The end of a JVM that uses sigbridge (issue 15): the dispatcher serves the shutdown hooks to
 * their end, then leaves its native wait at JVMTI VMDeath, before HotSpot's exit would wait
 * for it. How long the exit takes is a figure of {@code sigbridge bench}, not asserted here.
 */
class ExitChildTest {
    private static final int DIED_BY_TERM = 128 + 15;

    @Test
    void aTermWhileTheHooksRunAfterMainReturnedReachesItsHandler() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ExitChild.class).start()) {
            child.tell("return");
            child.firstLine("HOOK running");
            long sender = child.kill("TERM");
            Map<String, String> handled = ChildProcess.fields(child.firstLine("TERM handled"));
            assertEquals(Long.toString(sender), handled.get("sender"), child.describe());
            assertEquals("sigbridge-dispatch", handled.get("thread"));
            child.firstLine("HOOK saw TERM");
            assertEquals(0, child.awaitExit(), child.describe());
        }
    }

    @Test
    void aTermWhileTheHooksOfSystemExitRunReachesItsHandler() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ExitChild.class).start()) {
            child.tell("exit 7");
            child.firstLine("HOOK running");
            child.kill("TERM");
            child.firstLine("TERM handled");
            child.firstLine("HOOK saw TERM");
            assertEquals(7, child.awaitExit(), child.describe());
        }
    }

    /** The case the Shutdown API builds on: a TERM starts the shutdown, a second one comes during it. */
    @Test
    void aSecondTermDuringTheShutdownTheFirstStartedReachesItsHandler() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ExitChild.class).args("chain").start()) {
            child.kill("TERM");
            child.firstLine("HOOK running terms=1");
            child.kill("TERM");
            child.firstLine("HOOK saw TERM terms=2");
            assertEquals(DIED_BY_TERM, child.awaitExit(), "the first TERM's chain: the JVM's exit\n"
                    + child.describe());
        }
    }

    /**
     * Fails without the VMDeath hook-up: the dispatcher then sleeps in native code until
     * HotSpot gives up waiting for it (300 ms) and the probe's 5 s bound reports it in native.
     */
    @Test
    void theDispatcherIsOutOfNativeCodeBeforeHotSpotWaitsForSuchThreads() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ExitChild.class).args("probe")
                .jvmOptions("-Dsigbridge.test.native=" + System.getProperty("sigbridge.test.native"))
                .start()) {
            child.tell("return");
            child.firstLine("PROBE installed");
            Map<String, String> probe = ChildProcess.fields(child.firstLine("VMDEATH "));
            System.out.println("VMDeath probe: " + probe);
            assertEquals("0", probe.get("jvmtiError"), child.describe());
            assertEquals("false", probe.get("inNative"), "the dispatcher left its native wait at"
                    + " VMDeath\n" + child.describe());
            assertEquals(0, child.awaitExit(), child.describe());
            assertFalse(child.output().contains("WARNING"), "no warning about the JVMTI"
                    + " environment or anything else\n" + child.describe());
            assertTrue(child.stdoutLines().contains("RETURNING from main"), child.describe());
        }
    }
}

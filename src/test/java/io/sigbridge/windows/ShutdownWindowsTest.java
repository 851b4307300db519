package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * {@link io.sigbridge.Shutdown} in child Windows JVMs ({@link ShutdownWindowsChild}): CTRL_C is
 * a trigger (INT), CTRL_CLOSE too (TERM), each running the phases in order on
 * {@code sigbridge-shutdown}, then the JVM's hook, then the exit status the Shutdown chose. The
 * statuses asserted are the ones {@code System.exit} and {@code Runtime.halt} give, which Wine
 * keeps; no console event's own exit code is asserted.
 */
class ShutdownWindowsTest {
    private static String run(String mode, int expectedExit) throws Exception {
        Path dir = WindowsTestSupport.childDirectory("shutdown-" + mode);
        Path out = dir.resolve("notes.txt");
        Path log = dir.resolve("log.txt");
        int exit = WindowsTestSupport.runChild(ShutdownWindowsChild.class, mode, out, log);
        String notes = WindowsTestSupport.read(out);
        String context = "exit " + exit + "\n--- notes\n" + notes + "--- log\n" + WindowsTestSupport.read(log);
        assertTrue(notes.contains("console attached"), context);
        assertEquals(expectedExit, exit, context);
        return notes + "\n" + context;
    }

    private static void assertInOrder(String got, String... parts) {
        int at = -1;
        for (String part : parts) {
            int next = got.indexOf(part, at + 1);
            assertTrue(next > at, "'" + part + "' after the previous part in:\n" + got);
            at = next;
        }
    }

    @Test
    void ctrlCRunsThePhasesInOrderThenTheHookAndExitsWithTheChosenStatus() throws Exception {
        String got = run("ctrl-c", 7);
        assertInOrder(got, "sending CTRL_C",
                "phase a on sigbridge-shutdown signal=INT console=CTRL_C",
                "phase b on sigbridge-shutdown signal=INT console=CTRL_C",
                "shutdown hook ran");
        assertFalse(got.contains("still alive"), got);
    }

    @Test
    void aSecondCtrlCHaltsAtOnceWith130AndADump() throws Exception {
        String got = run("ctrl-c-twice", 128 + 2);
        assertInOrder(got, "phase b on sigbridge-shutdown", "sending CTRL_C again",
                "=== sigbridge thread dump: second trigger CTRL_C = SIGINT(2)");
        assertFalse(got.contains("shutdown hook ran"), "halt: no hooks\n" + got);
    }

    @Test
    void ctrlCloseSkipsTheDelayAndEndsBeforeTheConsoleRoutineReturns() throws Exception {
        String got = run("ctrl-close", 7);
        assertInOrder(got, "CTRL_CLOSE",
                "phase a on sigbridge-shutdown signal=TERM console=CTRL_CLOSE",
                "phase b on sigbridge-shutdown signal=TERM console=CTRL_CLOSE",
                "shutdown hook ran");
        assertFalse(got.contains("routine returned"), "the routine was still waiting when the"
                + " process ended, as Windows needs\n" + got);
    }
}

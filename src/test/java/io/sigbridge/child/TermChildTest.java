package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;

/** TERM in a real child JVM, sent by the real {@code kill}: consumed, restored, chained. */
class TermChildTest {
    private static final int DIED_BY_TERM = 128 + 15;

    @Test
    void termHandlerConsumesTermAndTheChildExitsOnlyWhenTold() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(TermHandlerChild.class).start()) {
            long sender = child.kill("TERM");
            Map<String, String> handled = ChildProcess.fields(child.firstLine("TERM handled"));
            assertEquals(Long.toString(sender), handled.get("sender"), "the handler sees the kill process as sender");
            assertEquals("0", handled.get("code"), "si_code of kill(2) is SI_USER");
            assertEquals("sigbridge-dispatch", handled.get("thread"));
            assertTrue(child.isAlive(), "TERM was consumed: the child lives on\n" + child.describe());

            child.kill("USR1");
            int exit = child.awaitExit();
            assertEquals(42, exit, "the child exits with its own status, not 143\n" + child.describe());
            List<String> out = child.stdoutLines();
            assertEquals(1, out.stream().filter(l -> l.startsWith("TERM handled")).count(), child.describe());
            assertTrue(out.contains("EXITING 42") && out.contains("HOOK ran"), child.describe());
        }
    }

    @Test
    void closingTheTermRegistrationGivesTermBackToTheJvm() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(TermCloseChild.class).start()) {
            Map<String, String> address = ChildProcess.fields(child.firstLine("ADDRESS "));
            Map<String, String> disposition = ChildProcess.fields(child.firstLine("DISPOSITION "));
            assertEquals(address.get("before"), address.get("after"),
                    "after close TERM has the JVM's handler again: " + address);
            assertNotEquals(address.get("before"), address.get("during"), "sigbridge's handler replaced it: " + address);
            assertEquals(Integer.toString(NativeSignals.DISPOSITION_OTHER), disposition.get("before"), "the JVM's handler");
            assertEquals(Integer.toString(NativeSignals.DISPOSITION_SIGBRIDGE), disposition.get("during"));
            assertEquals(disposition.get("before"), disposition.get("after"));
            assertEquals("false", disposition.get("active"));

            child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(DIED_BY_TERM, exit, "TERM ends the child through the JVM's shutdown\n" + child.describe());
            List<String> out = child.stdoutLines();
            assertTrue(out.contains("HOOK ran"), "the shutdown hook ran\n" + child.describe());
            assertFalse(out.stream().anyMatch(l -> l.startsWith("HANDLER ran")), "the closed handler stayed silent\n"
                    + child.describe());
        }
    }

    @Test
    void chainPreviousRunsTheHandlerThenTheJvmShutdown() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(TermChainChild.class).start()) {
            long sender = child.kill("TERM");
            int exit = child.awaitExit();
            assertEquals(DIED_BY_TERM, exit, "the JVM's TERM action ran after ours\n" + child.describe());
            List<String> out = child.stdoutLines();
            int handler = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).startsWith("HANDLER ran")) {
                    assertEquals(-1, handler, "the handler ran once\n" + child.describe());
                    handler = i;
                }
            }
            int hook = out.indexOf("HOOK ran");
            assertTrue(handler >= 0, "the handler ran\n" + child.describe());
            assertTrue(hook > handler, "the shutdown hook ran after the handler\n" + child.describe());
            assertEquals(Long.toString(sender), ChildProcess.fields(out.get(handler)).get("sender"));
        }
    }
}

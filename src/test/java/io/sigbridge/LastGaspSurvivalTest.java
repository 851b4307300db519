package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;
import io.sigbridge.testsupport.LastGaspChild;

/**
 * Last gasps the process outlives (issue 13 #1): the previous action took effect and the process
 * is still there, so sigbridge's handler must be back for the next delivery, and closing must
 * restore quietly. Real child JVMs, real {@code kill}.
 */
class LastGaspSurvivalTest {
    @Test
    void everyAbrtReachesTheHandlerWhenTheJvmInheritedAbrtIgnored() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(LastGaspChild.class).viaShell("trap '' ABRT").args("abrt").start()) {
            for (int i = 1; i <= 3; i++) {
                child.kill("ABRT");
                child.firstLine("HANDLED " + i + " ");
            }
            child.tell("close");
            String closed = child.firstLine("CLOSED ");
            assertEquals("CLOSED disposition=" + NativeSignals.DISPOSITION_IGNORE, closed,
                    "closing puts the inherited SIG_IGN back\n" + child.describe());
            child.tell("exit");
            assertEquals(0, child.awaitExit(), child.describe());
            assertFalse(child.output().contains("another handler replaced"),
                    "no false warning at close\n" + child.describe());
        }
    }

    @Test
    void asPid1OfAContainerChainPreviousOnADefaultThatEndsKeepsHandlingEveryDelivery() throws Exception {
        assumeTrue(unshareWorks(), "unshare --pid --fork is not permitted here (it needs root or"
                + " user namespaces): the PID 1 case is then covered by test_signals only");
        try (ChildProcess child = ChildProcess.jvm(LastGaspChild.class)
                .viaShell("exec unshare --pid --fork --kill-child \"$@\"").args("usr1-previous").start()) {
            String hostPid = child.firstLine("HOSTPID ").substring("HOSTPID ".length());
            for (int i = 1; i <= 3; i++) {
                // The kernel discards USR1 under SIG_DFL for PID 1: the JVM must live on, handling.
                child.run("kill", "-USR1", hostPid);
                child.firstLine("HANDLED " + i + " ");
            }
            child.tell("close");
            assertEquals("CLOSED disposition=" + NativeSignals.DISPOSITION_DEFAULT, child.firstLine("CLOSED "),
                    child.describe());
            child.tell("exit");
            assertEquals(0, child.awaitExit(), child.describe());
            assertFalse(child.output().contains("another handler replaced"), child.describe());
        }
    }

    private static boolean unshareWorks() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("unshare", "--pid", "--fork", "true").redirectErrorStream(true).start();
        } catch (IOException e) {
            return false; // no unshare(1)
        }
        p.getOutputStream().close();
        if (!p.waitFor(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}

package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChainContextChild;
import io.sigbridge.testsupport.ChildProcess;

/**
 * Chain.PREVIOUS onto another library's SA_SIGINFO handler (issue 13 #9): that handler was
 * installed as a signal handler and may read its ucontext, as Go's does; it must run in signal
 * context with a real one (sigbridge re-delivers the signal), with the original sender's siginfo,
 * and not on the dispatcher thread. A real child JVM, a real {@code kill}.
 */
class ChainContextTest {
    @Test
    void thePreviousHandlerRunsInSignalContextWithARealContextAndTheSendersSiginfo() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ChainContextChild.class)
                .jvmOptions("-Dsigbridge.test.native=" + System.getProperty("sigbridge.test.native")).start()) {
            long sender = child.kill("USR1");
            Map<String, String> report = ChildProcess.fields(child.firstLine("PREVIOUS "));
            assertEquals("1", report.get("calls"), child.describe());
            assertEquals("true", report.get("context"), child.describe());
            assertEquals(Long.toString(sender), report.get("pid"), "the original sender, not the re-delivery's");
            assertNotEquals(report.get("dispatcher"), report.get("tid"), "not on the dispatcher thread");
            assertEquals(0, child.awaitExit(), child.describe());
        }
    }
}

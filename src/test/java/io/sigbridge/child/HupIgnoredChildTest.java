package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;

/** A HUP inherited as SIG_IGN (nohup) can be handled and is ignored again after close. */
class HupIgnoredChildTest {
    private static final String IGNORE = Integer.toString(NativeSignals.DISPOSITION_IGNORE);

    @Test
    void inheritedIgnoredHupIsHandledAndIgnoredAgainAfterClose() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(HupIgnoredChild.class).viaShell("trap '' HUP").start()) {
            Map<String, String> disposition = ChildProcess.fields(child.firstLine("DISPOSITION "));
            assertEquals(IGNORE, disposition.get("inherited"), "the shell made HUP ignored and the JVM kept it");
            assertEquals(Integer.toString(NativeSignals.DISPOSITION_SIGBRIDGE), disposition.get("registered"));

            long sender = child.kill("HUP");
            assertEquals(Long.toString(sender), ChildProcess.fields(child.firstLine("HUP handled")).get("sender"));

            child.tell("close");
            assertEquals(IGNORE, ChildProcess.fields(child.firstLine("CLOSED ")).get("disposition"),
                    "close puts SIG_IGN back, not SIG_DFL\n" + child.describe());

            // Ignored signals are discarded when sent: once kill returns, it either killed us or not.
            child.kill("HUP");
            child.tell("exit 7");
            Map<String, String> exiting = ChildProcess.fields(child.firstLine("EXITING "));
            assertEquals(7, child.awaitExit(), "a HUP after close did not end the child (129 if it had)\n"
                    + child.describe());
            assertEquals("1", exiting.get("invocations"), "only the first HUP reached sigbridge: " + exiting);
            assertEquals(IGNORE, exiting.get("disposition"));
        }
    }
}

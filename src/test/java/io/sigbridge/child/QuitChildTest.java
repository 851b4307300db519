package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import io.sigbridge.ReservedSignalException;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.testsupport.ChildProcess;

/** QUIT is the JVM's thread dump unless -Xrs; with -Xrs a real kill -QUIT reaches Java. */
class QuitChildTest {
    @Test
    void quitIsReservedInANormalJvm() {
        assertFalse(ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xrs"),
                "this test JVM must run without -Xrs");
        assertTrue(Signals.reservation(Signal.QUIT).orElse("").contains("-Xrs")); // loads the library
        long before = NativeSignals.handlerAddress(Signal.QUIT.number());
        ReservedSignalException e = assertThrows(ReservedSignalException.class,
                () -> Signals.handle(Signal.QUIT, event -> { }));
        assertEquals(Signal.QUIT, e.signal());
        assertEquals(before, NativeSignals.handlerAddress(Signal.QUIT.number()), "nothing was installed");
        assertEquals(NativeSignals.DISPOSITION_OTHER, NativeSignals.disposition(Signal.QUIT.number()));
    }

    @Test
    void quitIsHandledUnderXrs() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(QuitChild.class).jvmOptions("-Xrs").start()) {
            assertEquals("RESERVATION none", child.firstLine("RESERVATION "));
            // true when this test JVM is a JDK before 20: its children inherit QUIT blocked
            System.out.println("QuitChild under -Xrs: " + child.firstLine("MASK "));
            long sender = child.kill("QUIT");
            assertEquals(Long.toString(sender), ChildProcess.fields(child.firstLine("QUIT handled")).get("sender"));
            assertEquals(0, child.awaitExit(), child.describe());
            assertFalse(child.output().contains("Full thread dump"), "the JVM did not dump threads\n" + child.describe());
        }
    }
}

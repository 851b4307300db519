package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;

/** Closing leaves a handler that replaced sigbridge's (here sun.misc.Signal's) in place. */
class ForeignReplacementTest {
    @Test
    void closeLeavesSunMiscSignalsHandlerInstalled() throws Exception {
        NativeLibrary.load();
        int usr1 = Signal.USR1.number();
        long original = NativeSignals.handlerAddress(usr1);
        Registration ours = Signals.handle(Signal.USR1, e -> { });
        assertEquals(NativeSignals.DISPOSITION_SIGBRIDGE, NativeSignals.disposition(usr1));

        CountDownLatch theirsRan = new CountDownLatch(1);
        SunMiscSignal jdk = SunMiscSignal.named("USR1");
        jdk.handle(theirsRan::countDown);
        try {
            assertEquals(NativeSignals.DISPOSITION_OTHER, NativeSignals.disposition(usr1), "the JVM's handler replaced ours");
            long theirs = NativeSignals.handlerAddress(usr1);
            ours.close(); // logs a warning and must not put SIG_DFL back over the JVM's handler
            assertEquals(theirs, NativeSignals.handlerAddress(usr1));
            Signals.raise(Signal.USR1);
            assertTrue(theirsRan.await(30, TimeUnit.SECONDS), "sun.misc.Signal's handler still gets USR1");
        } finally {
            // Not beforeJdk: the JVM returned sigbridge's own native handler as "previous", and
            // putting that back would reinstall it behind sigbridge's back.
            jdk.restoreDefault();
        }
        assertEquals(original, NativeSignals.handlerAddress(usr1), "SIG_DFL again, as before the test");
    }
}

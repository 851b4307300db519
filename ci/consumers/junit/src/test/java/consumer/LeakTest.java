package consumer;

import org.junit.jupiter.api.Test;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * A test that leaves a registration open: reported by the listener (the default), or failed by
 * SignalHygieneExtension with sigbridge.junit.hygiene=fail and extension autodetection.
 */
class LeakTest {
    static Registration leaked;

    @Test
    void leavesUsr1Registered() {
        leaked = Signals.handle(Signal.USR1, e -> { });
    }
}

package consumer;

import org.junit.jupiter.api.Test;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.junit.Deaths;

/** Death tests that pass: the bodies end a child JVM by SIGABRT and with status 3. */
class DeathTest {
    @Test
    void abortDiesByAbrt() {
        Deaths.assertDiesBy(Signal.ABRT, () -> Signals.raise(Signal.ABRT));
    }

    @Test
    void usageErrorExitsWith3() {
        Deaths.assertExits(3, "^usage: ", () -> {
            System.err.println("usage: consumer FILE");
            System.exit(3);
        });
    }
}

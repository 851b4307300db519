package consumer;

import org.junit.jupiter.api.Test;

import io.sigbridge.Signal;
import io.sigbridge.Signals;

/** A native abort in the fork, without JNI of its own: the fork dies of SIGABRT after the dump. */
class AbortTest {
    @Test
    void abortsWithoutJni() {
        Signals.raise(Signal.ABRT);
    }
}

package consumer;

import org.junit.jupiter.api.Test;

import io.sigbridge.Signal;
import io.sigbridge.junit.Deaths;

/** A death test that fails: its body returns. ci/consumers.sh checks the failure's message. */
class FailingDeathTest {
    @Test
    void returnsInsteadOfAborting() {
        Deaths.assertDiesBy(Signal.ABRT, () -> System.err.println("still alive"));
    }
}

package consumer;

import org.junit.jupiter.api.Test;

import io.sigbridge.junit.SignalTimeout;

/** @SignalTimeout on one method: an early-warning dump after 1 s, and the test then passes. */
class SlowTest {
    @Test
    @SignalTimeout(dumpAfter = "1s", haltAfter = "1m")
    void takesTwoSeconds() throws InterruptedException {
        Thread.sleep(2_000);
    }
}

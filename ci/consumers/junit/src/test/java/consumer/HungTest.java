package consumer;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A test that hangs and ignores interrupts while it holds a lock: JUnit's @Timeout interrupts it
 * and waits on; sigbridge's listener dumps it after sigbridge.junit.dump.after and halts the
 * fork with status 86 after sigbridge.junit.halt.after (profile "hung").
 */
class HungTest {
    private final Object lock = new Object();

    @Test
    @Timeout(3)
    void ignoresInterrupts() {
        synchronized (lock) {
            long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < until) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ignored) {
                    // swallowed, as hung code does
                }
            }
        }
    }
}

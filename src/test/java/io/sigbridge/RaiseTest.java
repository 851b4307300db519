package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RaiseTest {
    @Test
    void raisedSignalRunsHandlerOnTheDispatchThread() throws Exception {
        try (SignalSubscription sub = Signals.subscribe(Signal.USR1)) {
            SignalEvent[] seen = new SignalEvent[1];
            String[] threadName = new String[1];
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
            try (Registration r = Signals.handle(Signal.USR1, e -> {
                seen[0] = e;
                threadName[0] = Thread.currentThread().getName();
                ran.countDown();
            })) {
                long before = System.nanoTime();
                Signals.raise(Signal.USR1);
                assertTrue(ran.await(10, java.util.concurrent.TimeUnit.SECONDS), "handler ran");
                assertEquals("sigbridge-dispatch", threadName[0]);
                assertNotEquals(Thread.currentThread().getName(), threadName[0]);
                assertEquals(Signal.USR1, seen[0].signal());
                assertEquals(ProcessHandle.current().pid(), seen[0].senderPid().getAsLong());
                assertTrue(seen[0].nanoTime() >= before && seen[0].nanoTime() <= System.nanoTime());
            }
            assertEquals(Signal.USR1, sub.poll(Duration.ofSeconds(10)).signal());
        }
    }
}

package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * A signal from another process and queued real-time values, end to end. Besides the host
 * suite, this is what the aarch64-tests profile runs in an aarch64 JVM under qemu-user (where
 * only host programs such as kill(1) can be started, so it needs no child JVM or helper).
 */
class DeliveryTest {
    @Test
    void usr1FromKillCarriesTheSendersPid() throws Exception {
        BlockingQueue<SignalEvent> events = new LinkedBlockingQueue<>();
        try (Registration r = Signals.handle(Signal.USR1, events::add)) {
            ChildProcess.Ran kill = ChildProcess.runToSuccess("kill", "-USR1", Long.toString(ProcessHandle.current().pid()));
            SignalEvent e = events.poll(30, TimeUnit.SECONDS);
            assertNotNull(e, "the handler ran");
            assertEquals(Signal.USR1, e.signal());
            assertEquals(kill.pid, e.senderPid().orElse(-1), "the sender is the kill process");
            assertEquals(0, e.code(), "SI_USER: sent by kill(2)");
        }
    }

    /**
     * Each queued value arrives once. Not necessarily in the order sent: the kernel hands queued
     * real-time signals to whichever threads do not block them, whose handlers may then record
     * them in either order.
     */
    @Test
    void eachSigqueuedValueArrivesOnce() throws Exception {
        Signal rt = Signal.realtime(2);
        try (SignalSubscription sub = Signals.subscribe(rt)) {
            for (int v = 1; v <= 3; v++) {
                Signals.send(ProcessHandle.current().pid(), rt, v * 11);
            }
            List<Integer> values = new ArrayList<>();
            for (int v = 1; v <= 3; v++) {
                SignalEvent e = sub.poll(Duration.ofSeconds(30));
                assertNotNull(e, "event " + v);
                assertEquals(0, e.coalesced(), "real-time signals queue, none is merged");
                values.add(e.value().orElse(-1));
            }
            Collections.sort(values);
            assertEquals(List.of(11, 22, 33), values, "each value once");
        }
    }
}

package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.SignalSubscription;
import io.sigbridge.Signals;

/** sigbridge from the installed jar, natives and all, with nothing but the dependency. */
class PlainConsumerTest {
    @Test
    void theDependencyIsTheInstalledJar() {
        String jar = Signals.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(jar.endsWith("/io/sigbridge/sigbridge/" + System.getProperty("sigbridge.version")
                + "/sigbridge-" + System.getProperty("sigbridge.version") + ".jar"), jar);
    }

    @Test
    void usr1FromAnotherProcessReachesTheHandlerWithItsPid() throws Exception {
        BlockingQueue<SignalEvent> events = new LinkedBlockingQueue<>();
        try (Registration r = Signals.handle(Signal.USR1, events::add)) {
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(ProcessHandle.current().pid()))
                    .inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill(1) exit status");
            SignalEvent e = events.poll(20, TimeUnit.SECONDS);
            assertTrue(e != null, "the handler ran");
            assertEquals(Signal.USR1, e.signal());
            assertEquals(kill.pid(), e.senderPid().orElse(-1), "the sender is the kill process");
        }
    }

    @Test
    void aQueuedRealTimeSignalCarriesItsValue() throws Exception {
        Signal rt = Signal.realtime(1);
        try (SignalSubscription sub = Signals.subscribe(rt)) {
            Signals.send(ProcessHandle.current().pid(), rt, 42);
            SignalEvent e = sub.poll(Duration.ofSeconds(20));
            assertTrue(e != null, "the event came");
            assertEquals(rt, e.signal());
            assertEquals(42, e.value().orElse(-1));
        }
    }
}

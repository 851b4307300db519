package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.internal.nar.NarSystem;

/** The library NAR unpacked, loaded by NarSystem, used by sigbridge without a second load. */
class NarConsumerTest {
    @Test
    void narSystemLoadsTheUnpackedNarAndSignalsUseIt() throws Exception {
        Path unpacked = Path.of(System.getProperty("sigbridge.nar.unpacked"));
        assertTrue(Files.isDirectory(unpacked), "nar-unpack made " + unpacked);

        NarSystem.loadLibrary();

        BlockingQueue<SignalEvent> events = new LinkedBlockingQueue<>();
        try (Registration r = Signals.handle(Signal.USR1, events::add)) {
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(ProcessHandle.current().pid()))
                    .inheritIO().start();
            assertEquals(0, kill.waitFor());
            SignalEvent e = events.poll(20, TimeUnit.SECONDS);
            assertTrue(e != null, "the handler ran");
            assertEquals(kill.pid(), e.senderPid().orElse(-1));
        }

        // every mapping of libsigbridge.so, by file (a copy unlinked after loading ends in " (deleted)")
        List<String> mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains("libsigbridge.so"))
                .map(l -> l.substring(l.indexOf('/')))
                .distinct()
                .collect(Collectors.toList());
        assertEquals(1, mapped.size(), "one libsigbridge.so is mapped: " + mapped);
        assertTrue(Path.of(mapped.get(0)).startsWith(unpacked.toRealPath()),
                "it is the NAR's, not a copy from the jar: " + mapped);
    }
}

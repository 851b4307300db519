package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Constants of another platform on a POSIX JVM: BREAK and the console events of Windows. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class UnavailableSignalTest {
    @Test
    void breakIsUnavailableHereAndSaysSoOnUse() {
        assertFalse(Signal.BREAK.isAvailable());
        assertTrue(Signal.TERM.isAvailable());
        assertEquals("SIGBREAK(unavailable)", Signal.BREAK.toString());
        UnsupportedOperationException x = assertThrows(UnsupportedOperationException.class,
                Signal.BREAK::number);
        assertTrue(x.getMessage().contains("SIGBREAK does not exist"), x.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> Signals.handle(Signal.BREAK, e -> { }));
        assertThrows(UnsupportedOperationException.class, () -> Signals.raise(Signal.BREAK));
        assertFalse(Signal.all().contains(Signal.BREAK));
        assertNotEquals(Signal.BREAK, Signal.TERM);
        assertThrows(IllegalArgumentException.class, () -> Signal.named("BREAK"));
    }

    @Test
    void consoleEventsAreWindowsOnly() {
        assertEquals(Signal.INT, ConsoleEvent.CTRL_C.signal());
        assertEquals(Signal.TERM, ConsoleEvent.CTRL_CLOSE.signal());
        assertEquals(Signal.TERM, ConsoleEvent.CTRL_LOGOFF.signal());
        assertEquals(Signal.TERM, ConsoleEvent.CTRL_SHUTDOWN.signal());
        assertEquals(Signal.BREAK, ConsoleEvent.CTRL_BREAK.signal());
        assertEquals(6, ConsoleEvent.CTRL_SHUTDOWN.type());
        assertThrows(UnsupportedOperationException.class,
                () -> Signals.handle(ConsoleEvent.CTRL_C, e -> { }));
        assertThrows(UnsupportedOperationException.class,
                () -> Signals.sendConsoleEvent(ConsoleEvent.CTRL_C, 0));
    }
}

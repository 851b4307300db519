package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.NativeTimers;

/**
 * A real POSIX timer's signal (issue 13 #12): the kernel puts the timer id and the overrun where
 * a sender's pid and uid would be, so it must not be reported as sent by a process, and the
 * overrun is there to read.
 */
class TimerSignalTest {
    @Test
    void aTimersExpiryHasNoSenderAndReportsItsOverrun() throws Exception {
        Signal timerSignal = Signal.realtime(5);
        try (SignalSubscription sub = Signals.subscribe(timerSignal)) {
            assertEquals(0, NativeTimers.expireWhileBlocked(timerSignal.number(), 77, 30));
            SignalEvent e = sub.poll(Duration.ofSeconds(TestProcesses.WAIT_SECONDS));
            assertNotNull(e, "no timer signal arrived");
            System.out.println(e);
            assertEquals(-2, e.code(), "SI_TIMER");
            assertFalse(e.senderPid().isPresent(), "a timer is no process: " + e);
            assertFalse(e.senderUid().isPresent(), e.toString());
            assertEquals(OptionalInt.of(77), e.value(), "the timer's sigev_value");
            assertTrue(e.timerOverrun().orElse(-1) > 0, "30 periods blocked: " + e);
            TestProcesses.awaitDispatcherCaughtUp();
        }
    }

    @Test
    void aSignalSentByAProcessHasNoOverrun() throws Exception {
        try (SignalSubscription sub = Signals.subscribe(Signal.USR1)) {
            Signals.raise(Signal.USR1);
            SignalEvent e = sub.poll(Duration.ofSeconds(TestProcesses.WAIT_SECONDS));
            assertNotNull(e);
            assertEquals(OptionalInt.empty(), e.timerOverrun());
            assertEquals(TestProcesses.ourPid(), e.senderPid().getAsLong());
        }
    }
}

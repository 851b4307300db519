package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * What the receiver learns about who sent a signal, with real other processes as senders:
 * {@code kill(1)}, {@code sigqueue(2)} from the helper, and {@link Signals#send} to ourselves.
 */
class SenderIdentityTest {
    private static final Duration WAIT = Duration.ofSeconds(TestProcesses.WAIT_SECONDS);
    private static final int SI_USER = 0;
    private static final int SI_QUEUE = -1;

    @Test
    void killCommandIsReportedAsTheSenderWithOurUidAndSiUser() throws Exception {
        SignalSubscription sub = Signals.subscribe(Signal.USR1);
        try (ChildProcess kill = ChildProcess.command(
                List.of("kill", "-USR1", Long.toString(TestProcesses.ourPid()))).mergeStderr().start()) {
            kill.awaitSuccess();
            SignalEvent e = sub.poll(WAIT);
            assertNotNull(e, "no USR1 event within " + WAIT + " after `kill -USR1` exited with 0");
            assertEquals(Signal.USR1, e.signal());
            assertEquals(kill.pid(), e.senderPid().orElse(-1), "sender pid of " + e);
            assertEquals(TestProcesses.ourUid(), e.senderUid().orElse(-1), "sender uid of " + e);
            assertEquals(SI_USER, e.code(), "si_code of " + e);
            assertFalse(e.value().isPresent(), "kill(2) carries no value: " + e);
            assertFalse(e.isFolded());
            assertEquals(0, e.coalesced());
        } finally {
            closeWhenQuiet(sub, Signal.USR1);
        }
    }

    @Test
    void sigqueueFromAnotherProcessCarriesItsValueAndPid() throws Exception {
        for (Signal signal : List.of(Signal.USR1, Signal.realtime(1))) {
            SignalSubscription sub = Signals.subscribe(signal);
            try (ChildProcess helper = ChildProcess.helper("queue",
                    TestProcesses.ourPid(), signal.number(), 123456).start()) {
                helper.awaitSuccess();
                SignalEvent e = sub.poll(WAIT);
                assertNotNull(e, "no " + signal + " event within " + WAIT + " after the helper's sigqueue");
                assertEquals(signal, e.signal());
                assertEquals(123456, e.value().orElse(-1), "value of " + e);
                assertEquals(helper.pid(), e.senderPid().orElse(-1), "sender pid of " + e);
                assertEquals(TestProcesses.ourUid(), e.senderUid().orElse(-1), "sender uid of " + e);
                assertEquals(SI_QUEUE, e.code(), "si_code of " + e);
            } finally {
                closeWhenQuiet(sub, signal);
            }
        }
    }

    @Test
    void sendWithValueToOurselvesArrivesWithOurPidAndTheValue() throws Exception {
        for (Signal signal : List.of(Signal.USR1, Signal.realtime(1))) {
            SignalSubscription sub = Signals.subscribe(signal);
            try {
                Signals.send(TestProcesses.ourPid(), signal, -987654);
                SignalEvent e = sub.poll(WAIT);
                assertNotNull(e, "no " + signal + " event within " + WAIT + " after Signals.send");
                assertEquals(-987654, e.value().orElse(0), "value of " + e);
                assertEquals(TestProcesses.ourPid(), e.senderPid().orElse(-1), "sender pid of " + e);
                assertEquals(SI_QUEUE, e.code(), "si_code of " + e);

                Signals.send(TestProcesses.ourPid(), signal);
                SignalEvent plain = sub.poll(WAIT);
                assertNotNull(plain, "no " + signal + " event after Signals.send without a value");
                assertEquals(TestProcesses.ourPid(), plain.senderPid().orElse(-1));
                assertEquals(SI_USER, plain.code(), "si_code of " + plain);
                assertFalse(plain.value().isPresent(), "kill(2) carries no value: " + plain);
                assertTrue(plain.sequence() > e.sequence(), e + " then " + plain);
            } finally {
                closeWhenQuiet(sub, signal);
            }
        }
    }

    /** Closes only when nothing of {@code signal} is pending: its default action ends the JVM. */
    static void closeWhenQuiet(AutoCloseable registration, Signal signal) throws Exception {
        assertTrue(TestProcesses.awaitNotPending(signal), signal + " stayed pending: not closing");
        registration.close();
    }
}

package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.sigbridge.internal.NativeSignals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the dispatcher runs handlers. WINCH is the signal here: its default action is to ignore
 * it, so a moment without sigbridge's handler is harmless. Each event is raised in the test
 * thread; raise(3) runs the native handler before it returns, so the ring holds the events in
 * raise order.
 */
class HandlerDispatchTest {
    private static final Signal SIG = Signal.WINCH;
    private final List<Registration> toClose = new ArrayList<>();
    private long originalHandler;
    private int originalDisposition;

    @BeforeEach
    void recordDisposition() {
        Signals.stats(SIG); // loads the library and starts the dispatcher
        originalHandler = NativeSignals.handlerAddress(SIG.number());
        originalDisposition = NativeSignals.disposition(SIG.number());
        assertNotEquals(NativeSignals.DISPOSITION_SIGBRIDGE, originalDisposition,
                "nothing is registered for WINCH, yet sigbridge's handler is installed");
    }

    @AfterEach
    void closeAllAndCheckDispositionIsBack() {
        toClose.forEach(Registration::close);
        assertEquals(originalDisposition, NativeSignals.disposition(SIG.number()), "disposition after close");
        assertEquals(originalHandler, NativeSignals.handlerAddress(SIG.number()), "handler after close");
    }

    private Registration register(SignalHandler handler) {
        Registration r = Signals.handle(SIG, handler);
        toClose.add(r);
        return r;
    }

    /** A handler that records what it saw and on which thread, for take() with a bounded wait. */
    private static final class Recorder implements SignalHandler {
        final String name;
        final List<String> journal;
        final BlockingQueue<SignalEvent> events = new ArrayBlockingQueue<>(100);
        final List<String> threads = new CopyOnWriteArrayList<>();

        Recorder(String name, List<String> journal) {
            this.name = name;
            this.journal = journal;
        }

        @Override
        public void handle(SignalEvent event) {
            journal.add(name + "#" + event.sequence());
            threads.add(Thread.currentThread().getName());
            events.add(event);
        }

        SignalEvent next() throws InterruptedException {
            SignalEvent e = events.poll(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(e != null, "handler " + name + " got no event within "
                    + TestProcesses.WAIT_SECONDS + " s; journal: " + journal);
            return e;
        }
    }

    @Test
    void handlersOfOneSignalRunInRegistrationOrderOnTheDispatchThread() throws Exception {
        List<String> journal = new CopyOnWriteArrayList<>();
        Recorder a = new Recorder("a", journal);
        Recorder b = new Recorder("b", journal);
        Recorder c = new Recorder("c", journal);
        register(a);
        register(b);
        register(c);
        assertEquals(NativeSignals.DISPOSITION_SIGBRIDGE, NativeSignals.disposition(SIG.number()));

        Signals.raise(SIG);
        long first = c.next().sequence();
        Signals.raise(SIG);
        long second = c.next().sequence();
        assertTrue(second > first);
        assertEquals(List.of("a#" + first, "b#" + first, "c#" + first,
                "a#" + second, "b#" + second, "c#" + second), journal);
        for (Recorder r : List.of(a, b, c)) {
            assertEquals(List.of("sigbridge-dispatch", "sigbridge-dispatch"), r.threads, r.name);
        }
    }

    @Test
    void aThrowingHandlerDoesNotStopTheOthersNorLaterEvents() throws Exception {
        List<String> journal = new CopyOnWriteArrayList<>();
        Recorder before = new Recorder("before", journal);
        Recorder after = new Recorder("after", journal);
        AtomicInteger thrown = new AtomicInteger();
        register(before);
        register(e -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("thrown on purpose by " + getClass().getSimpleName()
                    + " (the dispatcher logs it; this is expected)");
        });
        register(after);

        for (int i = 0; i < 3; i++) {
            Signals.raise(SIG);
            SignalEvent e = after.next();
            assertEquals(e.sequence(), before.next().sequence(), "both saw the same event");
        }
        assertEquals(3, thrown.get(), "the throwing handler ran for every event");
        assertEquals(6, journal.size(), journal.toString());
    }

    @Test
    void aHandlerWithAnExecutorRunsOnTheExecutorsThread() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sigbridge-test-executor");
            t.setDaemon(true);
            return t;
        });
        try {
            List<String> journal = new CopyOnWriteArrayList<>();
            Recorder onExecutor = new Recorder("executor", journal);
            Recorder onDispatcher = new Recorder("dispatcher", journal);
            Registration r = Signals.handle(SIG, onExecutor, executor);
            toClose.add(r);
            register(onDispatcher);

            Signals.raise(SIG);
            SignalEvent viaExecutor = onExecutor.next();
            SignalEvent viaDispatcher = onDispatcher.next();
            assertEquals(viaDispatcher.sequence(), viaExecutor.sequence(), "the same event");
            assertEquals(List.of("sigbridge-test-executor"), onExecutor.threads);
            assertEquals(List.of("sigbridge-dispatch"), onDispatcher.threads);
            assertNotEquals(Thread.currentThread().getName(), onExecutor.threads.get(0));
        } finally {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(TestProcesses.WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aHandlerMayCloseItsOwnRegistration() throws Exception {
        List<String> journal = new CopyOnWriteArrayList<>();
        Recorder witness = new Recorder("witness", journal);
        Registration[] self = new Registration[1];
        AtomicInteger calls = new AtomicInteger();
        self[0] = register(e -> {
            calls.incrementAndGet();
            self[0].close(); // on the dispatcher thread, in the middle of a dispatch
        });
        register(witness);
        Signals.raise(SIG);
        witness.next();
        assertFalse(self[0].isActive());
        Signals.raise(SIG);
        witness.next();
        assertEquals(1, calls.get(), "a handler that closed itself was called again");
    }

    /**
     * The dispatcher keeps the signals it serves blocked on its own thread: otherwise, during a
     * flood, the kernel hands it one delivery after the other and it never drains the ring (in
     * 10,000-signal bursts it ran up to 3,843 of the handlers itself, and the ring overflowed).
     */
    @Test
    void theDispatcherThreadBlocksTheSignalsItServesAndReleasesThemAfterClose() throws Exception {
        Signal rt = Signal.realtime(9);
        java.nio.file.Path task = TestProcesses.dispatcherTask();
        assertFalse(TestProcesses.taskMaskHas(task, "SigBlk", rt), rt + " blocked before any registration");
        SignalSubscription sub = Signals.subscribe(rt);
        try {
            TestProcesses.awaitDispatcherCaughtUp(); // it has drained since the install
            assertTrue(TestProcesses.taskMaskHas(task, "SigBlk", rt),
                    "the dispatcher does not block " + rt + " while serving it");
            assertFalse(TestProcesses.taskMaskHas(task, "SigBlk", Signal.USR1), "USR1 is not ours now");
            Signals.send(TestProcesses.ourPid(), rt, 5);
            assertEquals(5, sub.poll(java.time.Duration.ofSeconds(TestProcesses.WAIT_SECONDS))
                    .value().orElse(-1), "other threads take it");
        } finally {
            SenderIdentityTest.closeWhenQuiet(sub, rt);
        }
        TestProcesses.awaitDispatcherCaughtUp(); // it wakes, and releases what it no longer serves
        assertFalse(TestProcesses.taskMaskHas(task, "SigBlk", rt), rt + " still blocked after close");
    }

    /** raise(3) from a handler targets the dispatcher thread itself, where the signal is blocked. */
    @Test
    void aHandlerMayRaiseASignalThatSigbridgeServes() throws Exception {
        Signal rt = Signal.realtime(10);
        java.nio.file.Path task = TestProcesses.dispatcherTask();
        SignalSubscription sub = Signals.subscribe(rt);
        List<String> journal = new CopyOnWriteArrayList<>();
        Recorder witness = new Recorder("witness", journal);
        try {
            register(e -> Signals.raise(rt));
            register(witness);
            Signals.raise(SIG);
            witness.next();
            SignalEvent raised = sub.poll(java.time.Duration.ofSeconds(TestProcesses.WAIT_SECONDS));
            assertTrue(raised != null, rt + " raised by a handler never arrived; pending on the"
                    + " dispatcher: " + TestProcesses.taskMaskHas(task, "SigPnd", rt));
            assertEquals(TestProcesses.ourPid(), raised.senderPid().orElse(-1));
        } finally {
            assertFalse(TestProcesses.taskMaskHas(task, "SigPnd", rt), rt + " is stuck pending on the"
                    + " dispatcher thread: closing would let its default action end the JVM");
            SenderIdentityTest.closeWhenQuiet(sub, rt);
        }
    }

    @Test
    void closingStopsCallsAndClosingTwiceIsHarmless() throws Exception {
        List<String> journal = new CopyOnWriteArrayList<>();
        Recorder closed = new Recorder("closed", journal);
        Recorder witness = new Recorder("witness", journal);
        Registration r = register(closed);
        register(witness);
        assertTrue(r.isActive());
        assertEquals(SIG, r.signal());

        Signals.raise(SIG);
        assertEquals(closed.next().sequence(), witness.next().sequence());

        r.close();
        assertFalse(r.isActive());
        r.close(); // a second close changes nothing
        assertFalse(r.isActive());
        assertEquals(NativeSignals.DISPOSITION_SIGBRIDGE, NativeSignals.disposition(SIG.number()),
                "the witness still holds the handler after the double close");

        for (int i = 0; i < 2; i++) {
            Signals.raise(SIG);
            witness.next(); // dispatch runs in registration order: `closed` would have run first
        }
        assertEquals(1, journal.stream().filter(s -> s.startsWith("closed#")).count(),
                "calls after close: " + journal);
        assertTrue(closed.events.isEmpty());
    }
}

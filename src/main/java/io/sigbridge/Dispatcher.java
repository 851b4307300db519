package io.sigbridge;

import static io.sigbridge.internal.NativeSignals.EVENT_LONGS;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.WindowsNatives;
import io.sigbridge.internal.introspect.LiveRegistrations;

/**
 * The Java half of the path: one long-lived daemon thread, {@code sigbridge-dispatch}, blocks
 * in the native wait, turns captured records into {@link SignalEvent}s and runs the
 * registrations of each signal in registration order. Registering and closing take one lock and
 * change the native installation only on the first and last registration of a signal; the
 * dispatcher never takes that lock, it reads copy-on-write lists.
 *
 * <p>Registrations are keyed by accounting slot: the signal number, or on Windows
 * {@code CONSOLE_SLOT_BASE + type} for a {@link ConsoleEvent}. A console event runs the
 * registrations of its own slot and then those of its portable signal; what the native console
 * routine does with each event type follows from them ({@link WindowsConsole}).
 */
final class Dispatcher {
    static final String THREAD_NAME = "sigbridge-dispatch";
    static final String RING_SIZE_PROPERTY = "sigbridge.ring.size";
    static final int DEFAULT_RING_SIZE = 65536;
    static final String GRACE_PROPERTY = "sigbridge.lastgasp.grace";
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);

    private static final System.Logger LOG = System.getLogger("io.sigbridge");
    private static volatile Dispatcher instance;

    private final Object installLock = new Object();
    private final Map<Integer, CopyOnWriteArrayList<Entry>> entries = new ConcurrentHashMap<>();
    /**
     * What the dispatcher reads: the registrations of each slot as an array, the whole table
     * replaced (never changed) under {@link #installLock}, so that dispatching takes no lock, no
     * iterator, no boxed key, and no VarHandle (an AtomicReferenceArray links one on its first
     * get, through malloc).
     */
    private volatile Entry[][] bySlot = new Entry[SLOTS][];
    private static final int SLOTS = 128; // SB_MAX_SLOTS
    private static final Entry[] NONE = new Entry[0];
    /** How often a last gasp waiting for executors wakes: the native side sees it as progress. */
    private static final long LAST_GASP_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private final Thread thread;
    private static final boolean WINDOWS = Platform.current() == Platform.WINDOWS;
    private volatile Duration lastGaspGrace;

    private Dispatcher() {
        int rc = NativeSignals.init(ringSize());
        if (rc != 0) {
            throw Errors.fromCode("cannot set up the signal ring", rc);
        }
        if (WINDOWS) {
            WindowsConsole.configure();
        }
        setLastGaspGrace(configuredGrace());
        leaveTheNativeWaitWhenTheJvmEnds();
        thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    static Dispatcher get() {
        Dispatcher d = instance;
        if (d == null) {
            synchronized (Dispatcher.class) {
                d = instance;
                if (d == null) {
                    NativeLibrary.load();
                    d = instance = new Dispatcher();
                }
            }
        }
        return d;
    }

    private static int ringSize() {
        String configured = System.getProperty(RING_SIZE_PROPERTY);
        if (configured == null) {
            return DEFAULT_RING_SIZE;
        }
        try {
            int n = Integer.parseInt(configured.trim());
            if (n >= 2) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + RING_SIZE_PROPERTY + "=" + configured
                + " is not a ring size (an integer of at least 2; it is rounded up to a power of two)");
    }

    Thread thread() {
        return thread;
    }

    private static Duration configuredGrace() {
        String configured = System.getProperty(GRACE_PROPERTY);
        if (configured == null) {
            return DEFAULT_GRACE;
        }
        try {
            String t = configured.trim().toLowerCase(java.util.Locale.ROOT);
            Duration d = t.endsWith("ms") ? Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)))
                    : t.endsWith("s") ? Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)))
                    : Duration.ofMillis(Long.parseLong(t));
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + GRACE_PROPERTY + "=" + configured
                + " is not a positive duration (write 3s, 500ms or a number of milliseconds)");
    }

    void setLastGaspGrace(Duration grace) {
        long millis = grace.toMillis();
        if (grace.isNegative() || grace.isZero() || millis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the last-gasp grace must be positive and below 24 days, not " + grace);
        }
        lastGaspGrace = grace;
        NativeSignals.setSyncGraceMillis((int) millis);
    }

    Duration lastGaspGrace() {
        return lastGaspGrace;
    }

    /**
     * ABRT is always a last gasp (the process ends when its handler returns, so the handler
     * waits for Java). Chain.PREVIOUS makes any signal one when its saved action is a SIG_DFL
     * that ends the process; the native side decides that, knowing the saved action.
     */
    private void updateSynchronousMode(Signal signal, List<Entry> list) {
        updateSynchronousMode(signal, list, null);
    }

    /** The mode for {@code list} plus {@code joining} (null: none), set before it takes effect. */
    private void updateSynchronousMode(Signal signal, List<Entry> list, Entry joining) {
        int mode = NativeSignals.SYNC_OFF;
        if (!list.isEmpty() || joining != null) {
            if (signal.name().equals("ABRT")) {
                mode = NativeSignals.SYNC_ALWAYS;
            } else if ((joining != null && joining.isActiveWithChain())
                    || list.stream().anyMatch(Entry::isActiveWithChain)) {
                mode = NativeSignals.SYNC_IF_PREVIOUS_ENDS;
            }
        }
        NativeSignals.setSynchronous(signal.number(), mode);
    }

    /**
     * Signals a {@link Shutdown} triggers on. While it owns one, Chain.PREVIOUS of the other
     * registrations no longer runs the previous disposition (the JVM's exit, a SIG_DFL death) nor
     * makes deliveries last gasps: the Shutdown's phases and exit are what follows the handlers.
     */
    private final java.util.Set<Integer> shutdownOwned = ConcurrentHashMap.newKeySet();

    void setShutdownOwned(Signal signal, boolean owned) {
        synchronized (installLock) {
            if (owned) {
                shutdownOwned.add(signal.number());
            } else {
                shutdownOwned.remove(signal.number());
            }
            List<Entry> list = entries.get(signal.number());
            if (list != null) {
                updateSynchronousMode(signal, list);
            }
            if (WINDOWS) {
                WindowsConsole.updateModes(entries);
            }
        }
    }

    /** One registered consumer of a signal: a handler, where it runs, and whether to chain. */
    final class Entry implements Registration {
        private final Signal signal;
        private final ConsoleEvent consoleEvent; // null for a signal's registration
        private final int slot;
        private final SignalHandler handler;
        private final Executor executor;
        private final Chain chain;
        private volatile boolean active = true;

        // The executor hand-off: at most one task of this registration in flight; events that
        // arrive meanwhile fold into one queued event (its coalesced() grows), as the native
        // ring folds, so a slow handler under a flood costs one queued event, not one task each.
        private final Runnable runQueued = this::runQueued;
        private SignalEvent queued; // guarded by this
        private CompletableFuture<Void> queuedDone; // completes once queued's handler ran; for last gasps
        private boolean inFlight;
        private boolean rejectionReported;

        Entry(Signal signal, ConsoleEvent consoleEvent, int slot, SignalHandler handler,
                Executor executor, Chain chain) {
            this.signal = signal;
            this.consoleEvent = consoleEvent;
            this.slot = slot;
            this.handler = handler;
            this.executor = executor;
            this.chain = chain;
        }

        /**
         * Queues {@code event} for the executor, folding it into the event already queued, and
         * hands a task over unless one is in flight. With {@code wait} (a last gasp) returns what
         * completes once the handler ran for it (or for the event it folded into), else null.
         */
        CompletableFuture<Void> handOver(SignalEvent event, boolean wait) {
            CompletableFuture<Void> done;
            boolean submit;
            synchronized (this) {
                queued = queued == null ? event : queued.withCoalesced(1 + event.coalesced());
                if (wait && queuedDone == null) {
                    queuedDone = new CompletableFuture<>();
                }
                done = queuedDone;
                submit = !inFlight;
                inFlight = true;
            }
            if (submit) {
                submit();
            }
            return wait ? done : null;
        }

        private void submit() {
            try {
                executor.execute(runQueued);
            } catch (RejectedExecutionException e) {
                CompletableFuture<Void> done;
                SignalEvent waiting;
                boolean report;
                synchronized (this) {
                    inFlight = false; // the next event hands it over again, folded into it
                    done = queuedDone;
                    queuedDone = null;
                    waiting = queued;
                    report = !rejectionReported;
                    rejectionReported = true;
                }
                if (done != null) {
                    done.complete(null); // nothing runs it now: a last gasp must not wait for it
                }
                if (report) {
                    LOG.log(Level.ERROR, "the executor of " + this + " rejected its event " + waiting
                            + "; it stays queued, later events fold into it, and the next one hands"
                            + " it over again", e);
                }
            }
        }

        private void runQueued() {
            SignalEvent event;
            CompletableFuture<Void> done;
            synchronized (this) {
                event = queued;
                done = queuedDone;
                queued = null;
                queuedDone = null;
                rejectionReported = false;
            }
            try {
                if (event != null) {
                    invoke(this, event);
                }
            } finally {
                if (done != null) {
                    done.complete(null);
                }
                boolean more;
                synchronized (this) {
                    more = queued != null;
                    inFlight = more;
                }
                if (more) {
                    submit();
                }
            }
        }

        /** Chain.PREVIOUS, unless a {@link Shutdown} owns the signal: its exit is what follows. */
        boolean isActiveWithChain() {
            return active && chain == Chain.PREVIOUS && !shutdownOwned.contains(signal.number());
        }

        @Override
        public Signal signal() {
            return signal;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void close() {
            unregister(this);
        }

        @Override
        public String toString() {
            return "Registration[" + (consoleEvent != null ? consoleEvent + " " : "") + signal
                    + (chain == Chain.PREVIOUS ? ", chain previous" : "")
                    + (active ? "" : ", closed") + "]";
        }
    }

    Registration register(Signal signal, SignalHandler handler, Executor executor, Chain chain) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(chain, "chain");
        synchronized (installLock) {
            Policy.checkHandleable(signal);
            return add(new Entry(signal, null, signal.number(), handler, executor, chain));
        }
    }

    /** Windows: a registration for one console event precisely (its slot, not its signal's). */
    Registration register(ConsoleEvent event, SignalHandler handler, Executor executor, Chain chain) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(chain, "chain");
        WindowsConsole.requireWindows("handle " + event);
        synchronized (installLock) {
            return add(new Entry(event.signal(), event, WindowsConsole.slot(event), handler,
                    executor, chain));
        }
    }

    private Entry add(Entry entry) {
        CopyOnWriteArrayList<Entry> list =
                entries.computeIfAbsent(entry.slot, n -> new CopyOnWriteArrayList<>());
        if (entry.consoleEvent == null) {
            // Before the install: an abort() right after it must already be a last gasp.
            updateSynchronousMode(entry.signal, list, entry);
        }
        if (list.isEmpty()) {
            int rc = NativeSignals.install(entry.slot);
            if (rc != 0) {
                if (entry.consoleEvent == null) {
                    updateSynchronousMode(entry.signal, list);
                }
                throw Errors.fromCode("cannot install a handler for "
                        + (entry.consoleEvent != null ? entry.consoleEvent : entry.signal), rc);
            }
        }
        list.add(entry);
        LiveRegistrations.opened(entry);
        publish(entry.slot, list);
        if (WINDOWS) {
            WindowsConsole.updateModes(entries);
        }
        return entry;
    }

    /** Under installLock: the dispatcher sees {@code list} for {@code slot} from now on. */
    private void publish(int slot, List<Entry> list) {
        Entry[][] table = bySlot.clone();
        table[slot] = list.toArray(NONE);
        bySlot = table;
    }

    private Entry[] registrationsOf(int slot) {
        Entry[][] table = bySlot;
        return slot > 0 && slot < SLOTS ? table[slot] : null;
    }

    private void unregister(Entry entry) {
        synchronized (installLock) {
            if (!entry.active) {
                return;
            }
            entry.active = false;
            LiveRegistrations.closed(entry);
            List<Entry> list = entries.get(entry.slot);
            list.remove(entry);
            publish(entry.slot, list);
            if (entry.consoleEvent == null) {
                updateSynchronousMode(entry.signal, list);
            }
            if (WINDOWS) {
                WindowsConsole.updateModes(entries);
            }
            if (!list.isEmpty()) {
                return;
            }
            int outcome = NativeSignals.uninstall(entry.slot);
            if (outcome == NativeSignals.UNINSTALL_LEFT_THEIRS) {
                LOG.log(Level.WARNING, "{0}: another handler replaced sigbridge''s while it was"
                        + " registered (sun.misc.Signal.handle or a native library?); leaving that"
                        + " handler in place instead of restoring the original disposition",
                        entry.signal);
            } else if (outcome < 0) {
                LOG.log(Level.ERROR, "{0}: restoring the original disposition failed: {1}",
                        entry.signal, NativeSignals.errorText(-outcome));
            }
        }
    }

    /**
     * The first JDK with virtual threads (a preview in 19). From there on a JVMTI environment
     * created while the JVM runs makes HotSpot report every virtual-thread mount and unmount to
     * JVMTI (JvmtiExport::get_jvmti_interface), a cost for the whole life of the application; so
     * there sigbridge asks for VMDeath only once a shutdown began, from a shutdown hook. The
     * hooks all return before HotSpot posts VMDeath, so the dispatcher serves them all.
     */
    private static final int FIRST_FEATURE_WITH_VIRTUAL_THREADS = 19;

    /** See docs/ARCHITECTURE.md, "When the JVM ends". */
    private static void leaveTheNativeWaitWhenTheJvmEnds() {
        if (Runtime.version().feature() < FIRST_FEATURE_WITH_VIRTUAL_THREADS) {
            watchVmDeath();
            return;
        }
        try {
            Runtime.getRuntime().addShutdownHook(
                    new Thread(Dispatcher::watchVmDeath, THREAD_NAME + "-exit"));
        } catch (IllegalStateException shutdownInProgress) {
            watchVmDeath();
        }
    }

    private static void watchVmDeath() {
        int rc = NativeSignals.watchVmDeath();
        if (rc != 0) {
            LOG.log(Level.DEBUG, "no JVMTI VMDeath here ({0} {1}): when the JVM ends, its exit"
                    + " waits up to 300 ms for the dispatcher, which sleeps in native code",
                    rc < 0 ? "JNI error" : "jvmtiError", rc);
        }
    }

    private void run() {
        warmUp();
        long[] buffer = new long[64 * EVENT_LONGS];
        while (serveOneBatch(buffer)) {
            // until the JVM ends
        }
    }

    /**
     * One native wait and the events it brought; false once the JVM is ending. A method of its
     * own so that the JIT compiles it after a few hundred batches: run() is entered once, and
     * its loop would stay in the interpreter (and so would the JNI call) for a long time.
     */
    private boolean serveOneBatch(long[] buffer) {
        int n;
        try {
            n = NativeSignals.awaitEvents(buffer);
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "sigbridge dispatcher: waiting for signals failed", t);
            pause();
            return true;
        }
        if (n < 0) {
            LOG.log(Level.ERROR, "sigbridge dispatcher: waiting for signals failed: {0}",
                    NativeSignals.errorText(-n));
            pause();
            return true;
        }
        boolean last = (n & NativeSignals.AWAIT_STOPPED) != 0;
        n &= ~NativeSignals.AWAIT_STOPPED;
        for (int i = 0; i < n; i++) {
            try {
                dispatch(buffer, i * EVENT_LONGS);
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "sigbridge dispatcher: an event could not be dispatched", t);
            }
        }
        // The JVM is ending (VMDeath): no more native waits, no more I/O, nothing its exit would
        // wait for; the thread ends. Later deliveries are captured and counted, never dispatched.
        return !last;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            // the dispatcher is not interruptible: it serves until the JVM ends
        }
    }

    private void dispatch(long[] b, int at) {
        if (WINDOWS && WindowsConsole.ofSlot((int) b[at + NativeSignals.FIELD_SIGNO]) != null) {
            dispatchConsole(b, at);
            return;
        }
        deliver(registrationsOf((int) b[at + NativeSignals.FIELD_SIGNO]), b, at);
    }

    /**
     * The path from a record to the handlers. A last gasp depends on it while another thread,
     * parked in its signal handler, may hold glibc's heap lock (abort() from inside malloc) or
     * keep a safepoint from completing, so it allocates nothing but the event (and, only for a
     * last gasp handed to executors, what waiting for them takes), takes no lock and, once
     * {@link #warmUp()} ran, loads and links nothing.
     */
    private void deliver(Entry[] list, long[] b, int at) {
        int signo = (int) b[at + NativeSignals.FIELD_SIGNO];
        int flags = (int) b[at + NativeSignals.FIELD_FLAGS];
        boolean lastGasp = (flags & NativeSignals.FLAG_SYNC) != 0;
        try {
            if (list == null || list.length == 0) {
                return; // the last registration closed while this event was in flight
            }
            SignalEvent event = toEvent(list[0].signal, b, at);
            boolean chain = false;
            CompletableFuture<?>[] handedOver = null;
            int waiting = 0;
            for (Entry entry : list) {
                if (!entry.active) {
                    continue;
                }
                chain |= entry.isActiveWithChain();
                if (entry.executor == null) {
                    invokeHere(entry, event);
                } else {
                    CompletableFuture<Void> done = entry.handOver(event, lastGasp);
                    if (done != null) {
                        if (handedOver == null) {
                            handedOver = new CompletableFuture<?>[list.length];
                        }
                        handedOver[waiting++] = done;
                    }
                }
            }
            if (lastGasp) {
                // The receiving thread waits in its handler; it ends the process as the previous
                // action would have once told, so no chain from here. Executor handlers get the
                // same grace as the native wait.
                awaitLastGasp(handedOver, waiting);
            } else if (chain) {
                int rc = NativeSignals.chain(signo, event.code(),
                        (int) event.senderPid().orElse(0), event.senderUid().orElse(0),
                        event.value().orElse(0), flags);
                if (rc != 0) {
                    LOG.log(Level.ERROR, "{0}: running the previous disposition failed: {1}",
                            event.signal(), NativeSignals.errorText(rc));
                }
            }
        } finally {
            long ticket = b[at + NativeSignals.FIELD_TICKET];
            if (ticket != 0) { // also a last gasp folded into this event: its thread waits too
                NativeSignals.complete(signo, ticket);
            }
        }
    }

    /**
     * Runs {@link #deliver} once, before the first real event, through registrations nobody can
     * reach (one on this thread, one on a direct executor) and a last-gasp record of slot 0 with
     * ticket 0, which no signal produces and which completes nothing: every class, call site and
     * native method that path needs is then loaded and linked, none of it is left to a moment
     * when a thread holding the heap lock waits for it.
     */
    private void warmUp() {
        try {
            SignalHandler nothing = e -> { };
            Executor direct = Runnable::run;
            Entry[] list = {new Entry(Signal.INT, null, 0, nothing, null, Chain.CONSUME),
                    new Entry(Signal.INT, null, 0, nothing, direct, Chain.CONSUME)};
            long[] record = new long[EVENT_LONGS];
            record[NativeSignals.FIELD_FLAGS] = NativeSignals.FLAG_SYNC;
            deliver(list, record, 0);
            record[NativeSignals.FIELD_FLAGS] = 0;
            deliver(list, record, 0);
            NativeSignals.complete(0, 0); // links the native method; slot 0 is no signal
            registrationsOf(0);
            Thread.interrupted();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "sigbridge dispatcher: warming up the dispatch path failed", t);
        }
    }
    /**
     * A Windows console event: the registrations of the event itself, then those of its signal.
     * When the console routine waits (SYNC: CTRL_CLOSE/LOGOFF/SHUTDOWN, or Chain.PREVIOUS), it
     * learns whether the event was consumed: a handler ran and none asked for Chain.PREVIOUS,
     * which needs nothing more here (the routine returns FALSE and the JVM's routine runs).
     */
    private void dispatchConsole(long[] b, int at) {
        int slot = (int) b[at + NativeSignals.FIELD_SIGNO];
        boolean sync = ((int) b[at + NativeSignals.FIELD_FLAGS] & NativeSignals.FLAG_SYNC) != 0;
        boolean ran = false;
        boolean chain = false;
        try {
            ConsoleEvent console = WindowsConsole.ofSlot(slot);
            if (console == null) {
                return;
            }
            SignalEvent event = toEvent(console.signal(), b, at).withConsoleEvent(console);
            List<CompletableFuture<?>> handedOver = new ArrayList<>();
            for (int key : new int[] {slot, console.signal().number()}) {
                List<Entry> list = entries.get(key);
                if (list == null) {
                    continue;
                }
                for (Entry entry : list) {
                    if (!entry.active) {
                        continue;
                    }
                    ran = true;
                    chain |= entry.isActiveWithChain();
                    if (entry.executor == null) {
                        invokeHere(entry, event);
                    } else {
                        CompletableFuture<Void> done = entry.handOver(event, sync);
                        if (done != null) {
                            handedOver.add(done);
                        }
                    }
                }
            }
            if (sync) {
                awaitLastGasp(handedOver.toArray(new CompletableFuture<?>[0]), handedOver.size());
            }
        } finally {
            if (sync) {
                WindowsNatives.handled(slot, b[at + NativeSignals.FIELD_TICKET], ran && !chain);
            }
        }
    }

    /**
     * Waits, at most the grace, for the executor handlers of a last gasp. In slices: every
     * wake-up is dispatcher CPU time, which the native last gasp reads as progress (it stops
     * waiting for a dispatcher that does not run at all). An interrupt, a handler's own
     * included, does not cut it short: the dispatcher is not interruptible.
     */
    private void awaitLastGasp(CompletableFuture<?>[] handedOver, int count) {
        long deadline = System.nanoTime() + lastGaspGrace.toNanos();
        for (int i = 0; i < count; i++) {
            for (;;) {
                Thread.interrupted();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(Level.WARNING, "last-gasp handlers on executors did not finish within {0}",
                            lastGaspGrace);
                    return;
                }
                try {
                    handedOver[i].get(Math.min(left, LAST_GASP_SLICE_NANOS), TimeUnit.NANOSECONDS);
                    break;
                } catch (TimeoutException | InterruptedException e) {
                    // next slice
                } catch (ExecutionException e) {
                    break; // cannot happen: invoke catches everything
                }
            }
        }
        Thread.interrupted();
    }

    /**
     * A handler on the dispatcher thread: the interrupt status one handler leaves behind is not
     * the next one's (its sleep or wait would throw at once).
     */
    private static void invokeHere(Entry entry, SignalEvent event) {
        Thread.interrupted();
        invoke(entry, event);
    }

    private static void invoke(Entry entry, SignalEvent event) {
        if (!entry.active) {
            return;
        }
        try {
            entry.handler.handle(event);
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "a handler of " + entry.signal + " threw on " + event, t);
        }
    }

    private static SignalEvent toEvent(Signal signal, long[] b, int at) {
        int flags = (int) b[at + NativeSignals.FIELD_FLAGS];
        return new SignalEvent(signal,
                b[at + NativeSignals.FIELD_SEQUENCE],
                b[at + NativeSignals.FIELD_NANOS],
                (int) b[at + NativeSignals.FIELD_CODE],
                (flags & NativeSignals.FLAG_HAS_SENDER) != 0,
                b[at + NativeSignals.FIELD_PID],
                (int) b[at + NativeSignals.FIELD_UID],
                (flags & NativeSignals.FLAG_HAS_VALUE) != 0,
                (int) b[at + NativeSignals.FIELD_VALUE],
                b[at + NativeSignals.FIELD_COALESCED],
                (flags & NativeSignals.FLAG_FOLDED) != 0,
                b[at + NativeSignals.FIELD_TID],
                (int) b[at + NativeSignals.FIELD_SOURCE],
                (flags & NativeSignals.FLAG_HAS_OVERRUN) != 0 ? (int) b[at + NativeSignals.FIELD_OVERRUN] : -1);
    }
}

package io.sigbridge;

import static io.sigbridge.internal.NativeSignals.EVENT_LONGS;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;

/**
 * The Java half of the path: one long-lived daemon thread, {@code sigbridge-dispatch}, blocks
 * in the native wait, turns captured records into {@link SignalEvent}s and runs the
 * registrations of each signal in registration order. Registering and closing take one lock and
 * change the native installation only on the first and last registration of a signal; the
 * dispatcher never takes that lock, it reads copy-on-write lists.
 */
final class Dispatcher {
    static final String THREAD_NAME = "sigbridge-dispatch";
    static final String RING_SIZE_PROPERTY = "sigbridge.ring.size";
    static final int DEFAULT_RING_SIZE = 4096;

    private static final System.Logger LOG = System.getLogger("io.sigbridge");
    private static volatile Dispatcher instance;

    private final Object installLock = new Object();
    private final Map<Integer, CopyOnWriteArrayList<Entry>> entries = new ConcurrentHashMap<>();
    private final Thread thread;

    private Dispatcher() {
        int rc = NativeSignals.init(ringSize());
        if (rc != 0) {
            throw Errors.fromCode("cannot set up the signal ring", rc);
        }
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

    /** One registered consumer of a signal: a handler, where it runs, and whether to chain. */
    final class Entry implements Registration {
        private final Signal signal;
        private final SignalHandler handler;
        private final Executor executor;
        private final Chain chain;
        private volatile boolean active = true;

        Entry(Signal signal, SignalHandler handler, Executor executor, Chain chain) {
            this.signal = signal;
            this.handler = handler;
            this.executor = executor;
            this.chain = chain;
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
            return "Registration[" + signal + (chain == Chain.PREVIOUS ? ", chain previous" : "")
                    + (active ? "" : ", closed") + "]";
        }
    }

    Registration register(Signal signal, SignalHandler handler, Executor executor, Chain chain) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(chain, "chain");
        Entry entry = new Entry(signal, handler, executor, chain);
        synchronized (installLock) {
            Policy.checkHandleable(signal);
            CopyOnWriteArrayList<Entry> list =
                    entries.computeIfAbsent(signal.number(), n -> new CopyOnWriteArrayList<>());
            if (list.isEmpty()) {
                int rc = NativeSignals.install(signal.number());
                if (rc != 0) {
                    throw Errors.fromCode("cannot install a handler for " + signal, rc);
                }
            }
            list.add(entry);
        }
        return entry;
    }

    private void unregister(Entry entry) {
        synchronized (installLock) {
            if (!entry.active) {
                return;
            }
            entry.active = false;
            List<Entry> list = entries.get(entry.signal.number());
            list.remove(entry);
            if (!list.isEmpty()) {
                return;
            }
            int outcome = NativeSignals.uninstall(entry.signal.number());
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

    private void run() {
        long[] buffer = new long[64 * EVENT_LONGS];
        for (;;) {
            int n;
            try {
                n = NativeSignals.awaitEvents(buffer);
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "sigbridge dispatcher: waiting for signals failed", t);
                pause();
                continue;
            }
            if (n < 0) {
                LOG.log(Level.ERROR, "sigbridge dispatcher: waiting for signals failed: {0}",
                        NativeSignals.errorText(-n));
                pause();
                continue;
            }
            for (int i = 0; i < n; i++) {
                try {
                    dispatch(buffer, i * EVENT_LONGS);
                } catch (Throwable t) {
                    LOG.log(Level.ERROR, "sigbridge dispatcher: an event could not be dispatched", t);
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            // the dispatcher is not interruptible: it serves until the JVM ends
        }
    }

    private void dispatch(long[] b, int at) {
        int signo = (int) b[at + NativeSignals.FIELD_SIGNO];
        List<Entry> list = entries.get(signo);
        if (list == null || list.isEmpty()) {
            return; // the last registration closed while this event was in flight
        }
        SignalEvent event = toEvent(list.get(0).signal, b, at);
        boolean chain = false;
        for (Entry entry : list) {
            if (!entry.active) {
                continue;
            }
            chain |= entry.chain == Chain.PREVIOUS;
            if (entry.executor == null) {
                invoke(entry, event);
            } else {
                try {
                    entry.executor.execute(() -> invoke(entry, event));
                } catch (RejectedExecutionException e) {
                    LOG.log(Level.ERROR, "the executor of a " + entry.signal
                            + " handler rejected its event " + event, e);
                }
            }
        }
        if (chain) {
            int rc = NativeSignals.chain(signo, event.code(),
                    (int) event.senderPid().orElse(0), event.senderUid().orElse(0),
                    event.value().orElse(0), (int) b[at + NativeSignals.FIELD_FLAGS]);
            if (rc != 0) {
                LOG.log(Level.ERROR, "{0}: running the previous disposition failed: {1}",
                        event.signal(), NativeSignals.errorText(rc));
            }
        }
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
                (flags & NativeSignals.FLAG_FOLDED) != 0);
    }
}

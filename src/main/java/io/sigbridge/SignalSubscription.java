package io.sigbridge;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Signals as a blocking queue, like Go's {@code signal.Notify}: the dispatcher appends events,
 * any thread {@link #take() takes} them.
 *
 * <p>The queue is bounded and never loses a count: when it holds {@code capacity} events, a new
 * event is folded into the queued event of the same signal (its {@link SignalEvent#coalesced()}
 * grows by 1 + the new event's own); only when no event of that signal is queued is it appended
 * anyway, so the queue never holds more than {@code capacity} plus one event per subscribed
 * signal.
 */
public final class SignalSubscription implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<SignalEvent> queue = new ArrayDeque<>();
    private final int capacity;
    private final Set<Signal> signals;
    private final List<Registration> registrations = new ArrayList<>();
    private boolean closed;

    SignalSubscription(int capacity, Set<Signal> signals) {
        this.capacity = capacity;
        this.signals = Collections.unmodifiableSet(new TreeSet<>(signals));
    }

    void attach(Registration registration) {
        registrations.add(registration);
    }

    void offer(SignalEvent event) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity && foldIntoQueued(event)) {
                return;
            }
            queue.addLast(event);
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private boolean foldIntoQueued(SignalEvent event) {
        List<SignalEvent> reversed = new ArrayList<>(queue);
        for (int i = reversed.size() - 1; i >= 0; i--) {
            SignalEvent queued = reversed.get(i);
            if (queued.signal().equals(event.signal())) {
                reversed.set(i, queued.withCoalesced(1 + event.coalesced()));
                queue.clear();
                queue.addAll(reversed);
                return true;
            }
        }
        return false;
    }

    /** {@return the signals this subscription receives} */
    public Set<Signal> signals() {
        return signals;
    }

    /**
     * The next event, waiting as long as it takes.
     *
     * @return the oldest queued event
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IllegalStateException when the subscription is closed and nothing is left in it
     */
    public SignalEvent take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    throw new IllegalStateException("the subscription is closed");
                }
                nonEmpty.await();
            }
            return queue.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next event, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; zero or negative does not wait
     * @return the oldest queued event, or null when none came in time (or the subscription is
     *     closed and empty)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public SignalEvent poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (closed || nanos <= 0) {
                    return null;
                }
                nanos = nonEmpty.awaitNanos(nanos);
            }
            return queue.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many events are queued now} */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops receiving (restoring each signal's disposition if this was its last registration).
     * Events already queued can still be taken.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        for (Iterator<Registration> it = registrations.iterator(); it.hasNext();) {
            it.next().close();
        }
    }
}

package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The dispatcher blocks in the kernel while nothing happens: it does not poll. */
class DispatcherIdleCpuTest {
    private static final long IDLE_MILLIS = 1000;
    private static final long BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void idleDispatcherUsesNoCpu() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadCpuTimeSupported(), "this JVM measures thread CPU time");
        threads.setThreadCpuTimeEnabled(true);
        Signal signal = Signal.realtime(4);
        CountDownLatch handled = new CountDownLatch(1);
        try (Registration r = Signals.handle(signal, e -> handled.countDown())) {
            Signals.raise(signal);
            assertTrue(handled.await(10, TimeUnit.SECONDS), "the signal was handled");
            List<Thread> dispatchers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(Dispatcher.THREAD_NAME)).collect(Collectors.toList());
            assertEquals(1, dispatchers.size(), "one dispatcher thread: " + dispatchers);
            long id = dispatchers.get(0).getId();
            long before = threads.getThreadCpuTime(id);
            long start = System.nanoTime();
            Thread.sleep(IDLE_MILLIS);
            long idle = System.nanoTime() - start;
            long used = threads.getThreadCpuTime(id) - before;
            assertTrue(before >= 0 && used >= 0, "CPU time is measured: " + before + ", " + used);
            assertTrue(used < BOUND_NANOS, "the idle dispatcher used " + used / 1000 + " us of CPU in "
                    + idle / 1_000_000 + " ms (bound " + BOUND_NANOS / 1000 + " us): it polls");
        }
    }
}

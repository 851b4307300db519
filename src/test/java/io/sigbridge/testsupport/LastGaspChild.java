package io.sigbridge.testsupport;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.sigbridge.Chain;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;

/**
 * A child JVM for last gasps: {@code LastGaspChild MODE}. It prints {@code READY <pid>} with the
 * pid its parent knows it by (as PID 1 of a PID namespace, {@code unshare --pid --fork}, which
 * stays the parent, that is {@code unshare}'s pid) and {@code HOSTPID <n>}, its own pid outside
 * any namespace, for {@code kill}. Then it obeys stdin: {@code close} closes the registration
 * and prints {@code CLOSED disposition=D} (a NativeSignals.DISPOSITION_* value), {@code exit}
 * ends it with status 0.
 *
 * <ul>
 *   <li>{@code abrt}: ABRT (always a last gasp) prints {@code HANDLED n} for the n-th delivery,
 *       in whatever disposition the JVM inherited.
 *   <li>{@code usr1-previous}: the same for USR1 with {@link Chain#PREVIOUS} onto its SIG_DFL (a
 *       last gasp that ends the process, unless the kernel discards the default action: PID 1).
 *   <li>{@code abrt-interrupting}: an ABRT handler on the dispatcher interrupts its thread, one
 *       on an executor prints {@code EXECUTOR DONE} after 300 ms; {@code kill -ABRT} ends it.
 *   <li>{@code malloc-lock}: a native thread's double free aborts inside free(), holding glibc's
 *       heap lock (run it with MALLOC_ARENA_MAX=1); the ABRT handler prints {@code REACHED}
 *       without allocating native memory, then needs malloc and blocks.
 *   <li>{@code safepoint}: USR1 with Chain.PREVIOUS onto SIG_DFL; its handler calls
 *       {@code System.gc()}. A thread spins in Java code and prints {@code SPINNER <tid>}: a
 *       {@code kill -USR1 <tid>} parks that thread, in Java code, in the last gasp, so no
 *       safepoint can complete.
 *   <li>{@code folded-abrt}: with a ring of 2, the dispatcher is held in a USR1 handler while
 *       the ring fills, then a native thread aborts: its last gasp is folded. The handler
 *       prints {@code ABRT HANDLED folded=...}.
 * </ul>
 */
public final class LastGaspChild {
    private LastGaspChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        AtomicInteger handled = new AtomicInteger();
        Registration registration = null;
        Signal signal = Signal.ABRT;
        CountDownLatch usr1Entered = new CountDownLatch(1);
        CountDownLatch releaseUsr1 = new CountDownLatch(1);
        switch (mode) {
            case "abrt":
                registration = Signals.handle(Signal.ABRT, e -> say("HANDLED " + handled.incrementAndGet() + " " + e));
                break;
            case "usr1-previous":
                signal = Signal.USR1;
                registration = Signals.handle(Signal.USR1, e -> say("HANDLED " + handled.incrementAndGet() + " " + e),
                        Chain.PREVIOUS);
                break;
            case "abrt-interrupting":
                Signals.handle(Signal.ABRT, e -> Thread.currentThread().interrupt());
                Signals.handle(Signal.ABRT, e -> {
                    Thread.sleep(300);
                    say("EXECUTOR DONE");
                }, Executors.newSingleThreadExecutor());
                break;
            case "malloc-lock":
                FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
                byte[] reached = "REACHED\n".getBytes(StandardCharsets.US_ASCII);
                Signals.handle(Signal.ABRT, e -> {
                    raw.write(reached); // a small write goes through a stack buffer: no malloc
                    ByteBuffer.allocateDirect(4096); // malloc: blocks on the aborting thread's lock
                    say("AFTER MALLOC");
                });
                break;
            case "safepoint":
                signal = Signal.USR1;
                Signals.handle(Signal.USR1, e -> {
                    say("HANDLER START");
                    System.gc(); // needs a safepoint, which the parked spinner never reaches
                    say("GC DONE");
                }, Chain.PREVIOUS);
                Thread spinner = new Thread(LastGaspChild::spin, "spinner");
                spinner.setDaemon(true);
                spinner.start();
                while (!spinning) {
                    Thread.onSpinWait();
                }
                say("SPINNER " + nativeIdOf("spinner"));
                break;
            case "folded-abrt":
                Signals.handle(Signal.USR1, e -> {
                    usr1Entered.countDown();
                    releaseUsr1.await();
                });
                Signals.handle(Signal.ABRT, e -> say("ABRT HANDLED folded=" + e.isFolded()));
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
        long pid = ProcessHandle.current().pid();
        say("HOSTPID " + Files.readSymbolicLink(Path.of("/proc/self")));
        say("READY " + (pid == 1 ? parentOutsideTheNamespace() : pid));
        switch (mode) {
            case "malloc-lock":
                NativeCrash.doubleFreeOnNativeThread();
                break;
            case "folded-abrt":
                Signals.raise(Signal.USR1);
                usr1Entered.await(); // the dispatcher is in the handler: the ring fills up now
                Signals.raise(Signal.USR1);
                Signals.raise(Signal.USR1);
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                    releaseUsr1.countDown();
                });
                release.start();
                NativeCrash.abortOnNativeThreads("sb-aborter", 1); // folded: the ring is full
                break;
            default:
                break;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            if (line.equals("close") && registration != null) {
                registration.close();
                say("CLOSED disposition=" + NativeSignals.disposition(signal.number()));
            } else if (line.equals("exit")) {
                System.exit(0);
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static volatile long sink;
    private static volatile boolean spinning;

    /**
     * Arithmetic only, so the thread is always in state in_Java: a call such as
     * System.identityHashCode passes through native state, and a USR1 that parks the thread
     * there would let the safepoint complete (a CI run saw GC DONE).
     */
    private static void spin() {
        long x = 1;
        spinning = true;
        for (;;) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            sink = x;
        }
    }

    /** The kernel's id of the thread named {@code name}, from /proc/self/task/N/comm. */
    private static long nativeIdOf(String name) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 3000; attempt++) {
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                            return Long.parseLong(task.getFileName().toString());
                        }
                    } catch (IOException e) {
                        // that thread ended meanwhile
                    }
                }
            }
            Thread.sleep(1); // the thread names itself when it starts
        }
        throw new IllegalStateException("no thread named " + name);
    }

    /** {@code PPid} of /proc/self/status: /proc is the host's, so it shows host pids. */
    private static long parentOutsideTheNamespace() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new IllegalStateException("no PPid in /proc/self/status");
    }
}

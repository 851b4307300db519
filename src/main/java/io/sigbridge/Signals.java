package io.sigbridge;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.WindowsNatives;

/**
 * Operating-system signals for the JVM: handle them, subscribe to them, send them.
 *
 * <h2>Threads</h2>
 * The native handler only records the delivery (signal, sender pid and uid, si_code, sigqueue
 * value, time) in a lock-free ring and wakes one long-lived daemon thread named
 * {@code sigbridge-dispatch}. Java handlers run on that thread, in registration order, or on the
 * {@link Executor} given at registration: never in signal context and never on a thread started
 * for the signal.
 *
 * <h2>What the JVM keeps</h2>
 * KILL and STOP cannot be caught. SEGV, BUS, FPE, ILL, TRAP, PIPE and XFSZ belong to HotSpot,
 * as does its thread suspend/resume signal (USR2 unless {@code _JAVA_SR_SIGNUM} moves it) and
 * QUIT (its thread dump) unless the JVM runs with {@code -Xrs}. Asking for them throws
 * {@link ReservedSignalException} and installs nothing. HUP, INT and TERM normally carry the
 * JVM's own handler (shutdown hooks, exit 128+n): a sigbridge handler replaces it while
 * registered, {@link Chain#PREVIOUS} runs it after the Java handlers, and closing the last
 * registration puts it back.
 *
 * <h2>Last gasps</h2>
 * A process ends as soon as its SIGABRT handler returns, so ABRT handlers are synchronous: the
 * thread that received the signal (for {@code abort()}, the aborting thread) waits in its
 * native handler until the Java handlers of that delivery have run on the dispatcher, at most
 * {@link #lastGaspGrace()}; then the previous action takes effect and the process still ends by
 * SIGABRT (exit status 134 on POSIX, 3 on Windows). An ABRT handler cannot keep the process
 * alive. {@link Chain#PREVIOUS} onto a SIG_DFL that ends the process works the same way. A
 * delivery on the dispatcher thread itself does not wait (nothing else could run the handlers).
 *
 * <h2>Platforms</h2>
 * Linux and macOS (x86_64, aarch64) use {@code sigaction} with SA_SIGINFO. Sender pid/uid and
 * sigqueue values are POSIX features; macOS has no sigqueue, so
 * {@link #send(long, Signal, int)} throws {@link UnsupportedOperationException} there.
 *
 * <h2>Windows</h2>
 * The signals are the C runtime's: INT, TERM, BREAK and ABRT can be handled (SEGV, ILL and FPE
 * are refused, see {@link ReservedSignalException}), and {@link #raise} uses the C runtime's
 * {@code raise}. The console's control events reach the handlers of their portable signal (INT
 * for CTRL_C, BREAK for CTRL_BREAK, TERM for CTRL_CLOSE, CTRL_LOGOFF and CTRL_SHUTDOWN) and
 * the handlers registered for them precisely with {@link #handle(ConsoleEvent, SignalHandler)};
 * {@link SignalEvent#consoleEvent()} says which it was. A SIGABRT handler runs before
 * {@code abort()} ends the process (a last gasp, as above), and a raised ABRT then ends it too
 * (exit code 3, as 134 on Linux).
 *
 * <p>While TERM, CTRL_CLOSE, CTRL_LOGOFF or CTRL_SHUTDOWN has a registration, sigbridge keeps a
 * hidden top-level window (class {@code sigbridge-<pid>}, title {@code sigbridge <pid>}) on a
 * thread of its own: {@code taskkill /PID n} (without {@code /F}) posts it {@code WM_CLOSE},
 * which reaches the TERM handlers ({@link SignalEvent.Origin#CLOSE_REQUEST}), and the end of a
 * session ({@code WM_ENDSESSION}) reaches the CTRL_LOGOFF or CTRL_SHUTDOWN handlers and TERM's
 * ({@link SignalEvent.Origin#END_SESSION}), which the console never sends to a JVM.
 *
 * <p>Windows has no {@code kill}: {@link #send(long, Signal)} to another process posts
 * {@code WM_CLOSE} to its top-level windows for TERM, and sends CTRL_C or CTRL_BREAK on its
 * console for INT and BREAK; see there. Signal constants of other platforms
 * ({@link Signal#HUP}, ...) are unavailable there and throw {@link UnsupportedOperationException}
 * when used.
 */
public final class Signals {
    /** Capacity of a subscription's queue unless another is given. */
    public static final int DEFAULT_SUBSCRIPTION_CAPACITY = 1024;

    private Signals() {}

    /**
     * Runs {@code handler} on the {@code sigbridge-dispatch} thread for every delivery of
     * {@code signal}, consuming it.
     *
     * @param signal the signal to handle
     * @param handler what to run for each event
     * @return the registration; closing it unregisters the handler
     * @throws ReservedSignalException when the OS or the JVM owns the signal
     * @throws NativeLibraryException when this platform has no native library
     */
    public static Registration handle(Signal signal, SignalHandler handler) {
        return Dispatcher.get().register(signal, handler, null, Chain.CONSUME);
    }

    /**
     * Runs {@code handler} on {@code executor} for every delivery of {@code signal}. The
     * dispatcher hands each event over and goes on. At most one task of this registration is
     * with the executor at a time: events that arrive while it is queued or running fold into
     * one queued event, whose {@link SignalEvent#coalesced()} counts them, so a slow handler
     * under a flood costs one queued event, not one task per delivery (and its calls never
     * overlap). An executor that rejects the task is logged once; the event stays queued and
     * the next delivery hands it over again.
     *
     * @param signal the signal to handle
     * @param handler what to run for each event
     * @param executor where to run it
     * @return the registration; closing it unregisters the handler
     */
    public static Registration handle(Signal signal, SignalHandler handler, Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return Dispatcher.get().register(signal, handler, executor, Chain.CONSUME);
    }

    /**
     * Like {@link #handle(Signal, SignalHandler)}; with {@link Chain#PREVIOUS}, after all
     * dispatcher-thread handlers of the event have run, the disposition that was there before
     * sigbridge's runs too (for TERM: the JVM's shutdown, exit status 143). Handlers registered
     * with an executor are not waited for.
     *
     * @param signal the signal to handle
     * @param handler what to run for each event
     * @param chain whether the previous disposition runs after the handlers
     * @return the registration; closing it unregisters the handler
     */
    public static Registration handle(Signal signal, SignalHandler handler, Chain chain) {
        return Dispatcher.get().register(signal, handler, null, chain);
    }

    /**
     * Windows: runs {@code handler} on the {@code sigbridge-dispatch} thread for every delivery
     * of this console event precisely, consuming it (the handlers of its portable signal, see
     * {@link ConsoleEvent}, run too). For CTRL_CLOSE, CTRL_LOGOFF and CTRL_SHUTDOWN the console
     * routine waits for the handler, at most the grace, because Windows ends the process when it
     * returns.
     *
     * @param event the console event to handle
     * @param handler what to run for each event
     * @return the registration; closing it unregisters the handler
     * @throws UnsupportedOperationException on other platforms
     */
    public static Registration handle(ConsoleEvent event, SignalHandler handler) {
        return Dispatcher.get().register(event, handler, null, Chain.CONSUME);
    }

    /**
     * Like {@link #handle(ConsoleEvent, SignalHandler)}; with {@link Chain#PREVIOUS} the console
     * routine waits for the dispatcher-thread handlers and then passes the event on, so the
     * JVM's own handling (shutdown hooks, exit 130 for CTRL_C) follows.
     *
     * @param event the console event to handle
     * @param handler what to run for each event
     * @param chain whether the JVM's own console handling runs after the handlers
     * @return the registration; closing it unregisters the handler
     */
    public static Registration handle(ConsoleEvent event, SignalHandler handler, Chain chain) {
        return Dispatcher.get().register(event, handler, null, chain);
    }

    /**
     * Windows: {@code GenerateConsoleCtrlEvent}. CTRL_C goes only to group 0, every process on
     * this console including this one (Windows starts a new process group with CTRL_C disabled);
     * CTRL_BREAK goes to group 0 or to the group of a process started with
     * {@code CREATE_NEW_PROCESS_GROUP}, whose id is that process's id. The dependable way to stop
     * a child gracefully is CTRL_BREAK to its own group.
     *
     * @param event CTRL_C or CTRL_BREAK
     * @param processGroupId 0 for every process on this console, or a group leader's pid
     * @throws IllegalArgumentException for CTRL_CLOSE, CTRL_LOGOFF and CTRL_SHUTDOWN (only the
     *     system sends those), for CTRL_C to a group other than 0, and for a negative group
     * @throws NoConsoleException when this process has no console
     * @throws UnsupportedOperationException on other platforms
     */
    public static void sendConsoleEvent(ConsoleEvent event, long processGroupId) {
        Objects.requireNonNull(event, "event");
        WindowsConsole.requireWindows("send " + event);
        if (event != ConsoleEvent.CTRL_C && event != ConsoleEvent.CTRL_BREAK) {
            throw new IllegalArgumentException(event + " cannot be sent: only the system generates"
                    + " it; GenerateConsoleCtrlEvent sends CTRL_C and CTRL_BREAK");
        }
        if (processGroupId < 0 || processGroupId > 0xffffffffL) {
            throw new IllegalArgumentException("process group " + processGroupId + " is not a"
                    + " target: 0 is every process on this console, otherwise the id of a process"
                    + " started with CREATE_NEW_PROCESS_GROUP");
        }
        if (event == ConsoleEvent.CTRL_C && processGroupId != 0) {
            throw new IllegalArgumentException("CTRL_C can only be sent to group 0 (every process"
                    + " on this console): a process group starts with CTRL_C disabled; send"
                    + " CTRL_BREAK to process group " + processGroupId + " instead");
        }
        NativeLibrary.load();
        Dispatcher.get();
        int rc = WindowsNatives.sendConsoleEvent(event.type(), processGroupId);
        if (rc != 0) {
            throw Errors.fromCode("cannot send " + event + " to process group " + processGroupId, rc);
        }
    }

    /**
     * How long a last-gasp delivery (ABRT, and {@link Chain#PREVIOUS} onto a default action that
     * ends the process) waits for the Java handlers before the process ends anyway. Default 3 s,
     * or {@code -Dsigbridge.lastgasp.grace=5s}.
     *
     * @param grace the longest wait, positive
     */
    public static void setLastGaspGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        Dispatcher.get().setLastGaspGrace(grace);
    }

    /** {@return the current last-gasp grace} (see {@link #setLastGaspGrace}) */
    public static Duration lastGaspGrace() {
        return Dispatcher.get().lastGaspGrace();
    }

    /**
     * A blocking queue of the given signals' events, of {@link #DEFAULT_SUBSCRIPTION_CAPACITY}.
     *
     * @param signals one or more signals
     * @return the subscription; closing it unregisters it from every signal
     */
    public static SignalSubscription subscribe(Signal... signals) {
        return subscribe(DEFAULT_SUBSCRIPTION_CAPACITY, signals);
    }

    /**
     * A blocking queue of the given signals' events, bounded by {@code capacity} (see the class
     * description). All or nothing: when one signal cannot be handled, none is subscribed.
     *
     * @param capacity the most events held; when full, a new event folds into the queued one
     *     of its signal
     * @param signals one or more signals
     * @return the subscription; closing it unregisters it from every signal
     */
    public static SignalSubscription subscribe(int capacity, Signal... signals) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        if (signals.length == 0) {
            throw new IllegalArgumentException("subscribe to at least one signal");
        }
        Set<Signal> set = new LinkedHashSet<>(Arrays.asList(signals));
        set.forEach(Policy::checkHandleable); // all or nothing: check before installing any
        SignalSubscription subscription = new SignalSubscription(capacity, set);
        try {
            for (Signal s : set) {
                subscription.attach(Dispatcher.get().register(s, subscription::offer, null, Chain.CONSUME));
            }
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        return subscription;
    }

    /**
     * Why sigbridge refuses to handle {@code signal} here.
     *
     * @param signal any signal
     * @return the reason, or empty when it can be handled
     */
    public static Optional<String> reservation(Signal signal) {
        NativeLibrary.load();
        return Policy.reservation(signal);
    }

    /**
     * Raises {@code signal} in the calling thread ({@code raise(3)}). A sigbridge handler still
     * runs on the dispatcher, not here.
     *
     * @param signal the signal to raise
     * @throws ReservedSignalException for SEGV, BUS, FPE, ILL and TRAP, which HotSpot would take
     *     for a crash
     */
    public static void raise(Signal signal) {
        Objects.requireNonNull(signal, "signal");
        NativeLibrary.load();
        Policy.checkRaisable(signal);
        int number = signal.number();
        if (WINDOWS) {
            Dispatcher.get(); // the console routine and CRT handlers live with the dispatcher
        }
        check(NativeSignals.raise(number), "raise " + signal);
    }

    /**
     * Sends {@code signal} to process {@code pid} ({@code kill(2)}).
     *
     * <p>Windows, to another process (to this one it is {@link #raise}):
     * <ul>
     * <li>{@code TERM}: {@code WM_CLOSE} posted to each of its top-level windows on this desktop,
     *     which is what {@code taskkill /PID n} without {@code /F} does: a JVM with a sigbridge
     *     TERM handler runs it (see {@link SignalEvent.Origin#CLOSE_REQUEST}) and keeps running,
     *     a GUI program is asked to close its windows. A process without a window gets
     *     {@link NoWindowException}; nothing ever falls back to {@code TerminateProcess}.</li>
     * <li>{@code INT} and {@code BREAK}: CTRL_C or CTRL_BREAK on the target's console, sent by a
     *     small helper in the jar ({@code sigbridge-ctrl.exe}: {@code FreeConsole},
     *     {@code AttachConsole(pid)}, the event ignored by itself, {@code GenerateConsoleCtrlEvent}
     *     to group 0). The event reaches every process on that console. The rules are typed
     *     errors: a target without a console (a service, a process started without one)
     *     {@link NoConsoleException}; a target that ignores CTRL_C (started in a new process
     *     group, or it called {@code SetConsoleCtrlHandler(NULL, TRUE)}) an
     *     {@link IllegalArgumentException} for INT (send BREAK); a target on this process's own
     *     console an {@link IllegalArgumentException} (the event would reach this process too:
     *     say so with {@link #sendConsoleEvent}).</li>
     * <li>Other signals cannot be sent to another process: {@link UnsupportedOperationException}.</li>
     * </ul>
     *
     * @param pid the target process, above 0
     * @param signal the signal to send
     * @throws IllegalArgumentException for pid 0 or below (those address groups: see
     *     {@link #sendToGroup}); on Windows for the console rules above
     * @throws NoSuchProcessException when no such process exists
     * @throws SignalPermissionException when this process may not signal it (on Windows: a
     *     process of higher integrity)
     * @throws NoWindowException on Windows, TERM to a process without a top-level window
     * @throws NoConsoleException on Windows, INT or BREAK to a process without a console
     * @throws UnsupportedOperationException on Windows for another signal to another process
     */
    public static void send(long pid, Signal signal) {
        checkTarget(pid, signal);
        if (WINDOWS) {
            if (pid == ProcessHandle.current().pid()) {
                raise(signal); // this process: the C runtime's raise
            } else {
                WindowsSend.send(pid, signal);
            }
            return;
        }
        check(NativeSignals.kill(pid, signal.number()), "send " + signal + " to process " + pid);
    }

    /**
     * Sends {@code signal} with an integer to process {@code pid} ({@code sigqueue(3)}); the
     * receiver sees it as {@link SignalEvent#value()}. Real-time signals are queued, one delivery
     * per send; standard signals may merge while pending. The receiver is not guaranteed to see
     * them in send order: the kernel hands successive deliveries to different threads of a JVM,
     * which race to record them. Put a sequence number in the value when order matters.
     *
     * @param pid the target process, above 0
     * @param signal the signal to send
     * @param value the integer the receiver gets
     * @throws UnsupportedOperationException on macOS, which has no sigqueue
     */
    public static void send(long pid, Signal signal, int value) {
        checkTarget(pid, signal);
        if (WINDOWS) {
            signal.number(); // unavailable constants fail first, naming the platform
            throw new UnsupportedOperationException("Windows has no sigqueue: a signal cannot"
                    + " carry a value there");
        }
        check(NativeSignals.sigqueue(pid, signal.number(), value),
                "send " + signal + " with value " + value + " to process " + pid);
    }

    /**
     * Sends {@code signal} to every process of group {@code pgid} ({@code killpg(3)}).
     *
     * @param pgid the target process group, above 1
     * @param signal the signal to send
     * @throws IllegalArgumentException for a pgid of 1 or below: {@code kill(-1)} would signal
     *     every process this one may signal
     */
    public static void sendToGroup(long pgid, Signal signal) {
        Objects.requireNonNull(signal, "signal");
        if (pgid <= 1) {
            throw new IllegalArgumentException("process group " + pgid + " is not a target: groups"
                    + " are numbered from 2, and kill(-1) would reach every process");
        }
        if (WINDOWS) {
            signal.number();
            throw new UnsupportedOperationException("Windows has no process-group signals: use"
                    + " Signals.sendConsoleEvent(ConsoleEvent.CTRL_BREAK, " + pgid + ")");
        }
        NativeLibrary.load();
        check(NativeSignals.killGroup(pgid, signal.number()), "send " + signal + " to process group " + pgid);
    }

    /**
     * The accounting of one signal since the library loaded.
     *
     * @param signal the signal
     * @return its counts; {@code invocations() == delivered() + coalesced()} once the ring is drained
     */
    public static SignalStats stats(Signal signal) {
        Objects.requireNonNull(signal, "signal");
        Dispatcher.get();
        long[] s = new long[3];
        NativeSignals.stats(signal.number(), s);
        return new SignalStats(signal, s[0], s[1], s[2]);
    }

    /**
     * Windows: the accounting of one console event since the library loaded, counted apart from
     * its portable signal's (whose {@link #stats(Signal)} counts C runtime raises, and for TERM
     * also close requests). An event the console routine passed on because nothing claimed it is
     * not counted. A CTRL_LOGOFF or CTRL_SHUTDOWN from the end of a session (the hidden window)
     * counts here too.
     *
     * @param event the console event
     * @return its counts; {@link SignalStats#signal()} is its portable signal and
     *     {@link SignalStats#consoleEvent()} the event
     * @throws UnsupportedOperationException on other platforms
     */
    public static SignalStats stats(ConsoleEvent event) {
        Objects.requireNonNull(event, "event");
        WindowsConsole.requireWindows("count " + event);
        Dispatcher.get();
        long[] s = new long[3];
        NativeSignals.stats(WindowsConsole.slot(event), s);
        return new SignalStats(event.signal(), event, s[0], s[1], s[2]);
    }

    private static final boolean WINDOWS = Platform.current() == Platform.WINDOWS;

    private static void checkTarget(long pid, Signal signal) {
        Objects.requireNonNull(signal, "signal");
        if (WINDOWS) {
            signal.number(); // unavailable constants fail first, naming the platform
        }
        if (pid <= 0) {
            throw new IllegalArgumentException("process id " + pid + " is not a target: 0 and"
                    + " negative ids address process groups or every process; use sendToGroup");
        }
        NativeLibrary.load();
        if (pid == ProcessHandle.current().pid()) {
            Policy.checkRaisable(signal);
        }
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw Errors.fromCode("cannot " + what, rc);
        }
    }
}

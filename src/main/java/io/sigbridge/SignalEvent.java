package io.sigbridge;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One delivery of a signal, as captured by the native handler, or several folded into one.
 *
 * <p>When the native ring was full, deliveries are not dropped: they are counted and the next
 * event of the same signal reports them in {@link #coalesced()}. If no later event of that
 * signal came, the dispatcher makes one event standing for them all; such a {@linkplain
 * #isFolded() folded} event has no sender, code or value because no siginfo survived.
 */
public final class SignalEvent {
    /**
     * Where a delivery came from. On Linux and macOS always {@link #SIGNAL}; on Windows it tells
     * apart the ways a {@link Signal#TERM} handler is reached: a C runtime {@code raise}
     * ({@link #SIGNAL}), the console window closing ({@link #CONSOLE}, with {@link
     * ConsoleEvent#CTRL_CLOSE}), {@code taskkill /PID} ({@link #CLOSE_REQUEST}) and the end of the
     * user's session ({@link #END_SESSION}).
     */
    public enum Origin {
        /** A signal: on POSIX any {@code siginfo_t} delivery; on Windows a C runtime {@code raise}. */
        SIGNAL,
        /**
         * Windows: the console's control routine ({@link SignalEvent#consoleEvent()} says which
         * event: Ctrl-C, Ctrl-Break, the console window closing, or, for services, logoff and
         * shutdown).
         */
        CONSOLE,
        /**
         * Windows: {@code WM_CLOSE} posted to sigbridge's hidden window, which is what
         * {@code taskkill /PID n} (without {@code /F}) and {@link Signals#send(long, Signal)
         * Signals.send(pid, Signal.TERM)} from another process do. The signal is
         * {@link Signal#TERM}, there is no console event, and {@link SignalEvent#code()} is
         * {@code WM_CLOSE} (16).
         */
        CLOSE_REQUEST,
        /**
         * Windows: {@code WM_ENDSESSION} to sigbridge's hidden window: the user logs off
         * ({@link ConsoleEvent#CTRL_LOGOFF}) or the system shuts down or restarts, or the Restart
         * Manager closes the application ({@link ConsoleEvent#CTRL_SHUTDOWN}). The signal is
         * {@link Signal#TERM}.
         */
        END_SESSION
    }

    private static final Origin[] ORIGINS = Origin.values(); // values() copies: not per event

    private final Signal signal;
    private final long sequence;
    private final long nanoTime;
    private final int code;
    private final long senderPid;
    private final int senderUid;
    private final boolean hasSender;
    private final int value;
    private final boolean hasValue;
    private final long coalesced;
    private final boolean folded;
    private final long nativeThreadId;
    private final ConsoleEvent consoleEvent;
    private final Origin origin;
    private final int timerOverrun; // -1: not a timer's signal

    SignalEvent(Signal signal, long sequence, long nanoTime, int code, boolean hasSender,
            long senderPid, int senderUid, boolean hasValue, int value, long coalesced,
            boolean folded, long nativeThreadId) {
        this(signal, sequence, nanoTime, code, hasSender, senderPid, senderUid, hasValue, value,
                coalesced, folded, nativeThreadId, null, Origin.SIGNAL, -1);
    }

    /**
     * {@code source}: the native record's (sb_event.h, sb_windows.h); {@code timerOverrun}: a
     * POSIX timer's si_overrun, or -1 for a signal that is not a timer's.
     */
    SignalEvent(Signal signal, long sequence, long nanoTime, int code, boolean hasSender,
            long senderPid, int senderUid, boolean hasValue, int value, long coalesced,
            boolean folded, long nativeThreadId, int source, int timerOverrun) {
        this(signal, sequence, nanoTime, code, hasSender, senderPid, senderUid, hasValue, value,
                coalesced, folded, nativeThreadId, null, originOf(source), timerOverrun);
    }

    private SignalEvent(Signal signal, long sequence, long nanoTime, int code, boolean hasSender,
            long senderPid, int senderUid, boolean hasValue, int value, long coalesced,
            boolean folded, long nativeThreadId, ConsoleEvent consoleEvent, Origin origin,
            int timerOverrun) {
        this.consoleEvent = consoleEvent;
        this.origin = origin;
        this.timerOverrun = timerOverrun;
        this.signal = signal;
        this.sequence = sequence;
        this.nanoTime = nanoTime;
        this.code = code;
        this.hasSender = hasSender;
        this.senderPid = senderPid;
        this.senderUid = senderUid;
        this.hasValue = hasValue;
        this.value = value;
        this.coalesced = coalesced;
        this.folded = folded;
        this.nativeThreadId = nativeThreadId;
    }

    private static Origin originOf(int source) {
        return source >= 0 && source < ORIGINS.length ? ORIGINS[source] : Origin.SIGNAL;
    }

    SignalEvent withCoalesced(long moreCoalesced) {
        return new SignalEvent(signal, sequence, nanoTime, code, hasSender, senderPid, senderUid,
                hasValue, value, coalesced + moreCoalesced, folded, nativeThreadId, consoleEvent,
                origin, timerOverrun);
    }

    /** The same delivery, as the Windows console event it came from. */
    SignalEvent withConsoleEvent(ConsoleEvent console) {
        return new SignalEvent(signal, sequence, nanoTime, code, hasSender, senderPid, senderUid,
                hasValue, value, coalesced, folded, nativeThreadId, console, origin, timerOverrun);
    }

    /** {@return the signal that was delivered} */
    public Signal signal() {
        return signal;
    }

    /**
     * Position in this process's delivery order: 1, 2, 3, ... across all signals, no gaps. It is
     * the order in which the native handlers recorded the deliveries; deliveries that different
     * threads took at about the same time may be recorded in another order than they were sent.
     *
     * @return the sequence number, from 1
     */
    public long sequence() {
        return sequence;
    }

    /** {@return when the native handler captured it, on the clock of {@link System#nanoTime()}} */
    public long nanoTime() {
        return nanoTime;
    }

    /**
     * The sender's process id, when a process sent it ({@code kill}, {@code sigqueue},
     * {@code raise}); for CHLD, the child's. Empty for signals the kernel generated (a terminal's
     * Ctrl-C, SIGPIPE from a write), for a POSIX timer's expiry ({@code SI_TIMER}: see
     * {@link #timerOverrun()}) and {@code SI_SIGIO}, and for folded events.
     *
     * @return the sender's pid, or empty
     */
    public OptionalLong senderPid() {
        return hasSender ? OptionalLong.of(senderPid) : OptionalLong.empty();
    }

    /** {@return the sender's real user id, when {@link #senderPid()} is known} */
    public OptionalInt senderUid() {
        return hasSender ? OptionalInt.of(senderUid) : OptionalInt.empty();
    }

    /**
     * {@return the raw {@code si_code}}: on Linux 0 for kill, -1 for sigqueue, -6 for
     * tgkill/raise, 0x80 for the kernel. On Windows the {@code CTRL_*_EVENT} type of a console
     * event (also one from the end of a session), {@code WM_CLOSE} (16) for a close request, 0
     * for a C runtime signal.
     */
    public int code() {
        return code;
    }

    /** {@return the integer sent with {@code sigqueue} ({@link Signals#send(long, Signal, int)}), or empty} */
    public OptionalInt value() {
        return hasValue ? OptionalInt.of(value) : OptionalInt.empty();
    }

    /**
     * Linux: for the expiry of a POSIX timer ({@code timer_create} with {@code SIGEV_SIGNAL};
     * {@link #code()} is {@code SI_TIMER}, -2), how many further expirations happened while this
     * one was still pending: the kernel queues one signal per timer and counts the rest here
     * ({@code si_overrun}, {@code timer_getoverrun}). The timer's {@code sigev_value} is in
     * {@link #value()}. Empty for every other signal, on other platforms, and for folded events.
     *
     * @return the overrun count, or empty
     */
    public OptionalInt timerOverrun() {
        return timerOverrun >= 0 ? OptionalInt.of(timerOverrun) : OptionalInt.empty();
    }

    /** {@return how many further deliveries of this signal were folded into this event (0 normally)} */
    public long coalesced() {
        return coalesced;
    }

    /**
     * The native id of the thread the kernel delivered the signal to (Linux: the tid that
     * {@code gettid()}, {@code /proc/self/task} and jstack's {@code nid=} show): for an
     * {@code abort()}, the thread that aborted. Empty where unknown and for folded events.
     *
     * @return the receiving thread's native id, or empty
     */
    public OptionalLong nativeThreadId() {
        return nativeThreadId != 0 ? OptionalLong.of(nativeThreadId) : OptionalLong.empty();
    }

    /**
     * Windows: the console control event this delivery was, when it came from the console or,
     * for CTRL_LOGOFF and CTRL_SHUTDOWN, from the end of the session (see {@link #origin()}; its
     * {@link #signal()} is then the portable mapping: INT for CTRL_C, BREAK for CTRL_BREAK,
     * TERM for CTRL_CLOSE, CTRL_LOGOFF and CTRL_SHUTDOWN). Empty for signals, including a C
     * runtime {@code raise}, and for a close request ({@code taskkill /PID}).
     *
     * @return the console event, or empty
     */
    public Optional<ConsoleEvent> consoleEvent() {
        return Optional.ofNullable(consoleEvent);
    }

    /**
     * Where the delivery came from: always {@link Origin#SIGNAL} on Linux and macOS; on Windows
     * also {@link Origin#CONSOLE}, {@link Origin#CLOSE_REQUEST} and {@link Origin#END_SESSION}.
     * For a {@linkplain #isFolded() folded} event, the origin of the last delivery folded into it.
     *
     * @return the origin
     */
    public Origin origin() {
        return origin;
    }

    /** {@return whether this event only stands for deliveries whose details were lost to a full ring} */
    public boolean isFolded() {
        return folded;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SignalEvent[").append(signal).append(" #").append(sequence);
        if (consoleEvent != null) {
            b.append(" console=").append(consoleEvent);
        }
        if (origin != Origin.SIGNAL && origin != Origin.CONSOLE) {
            b.append(" origin=").append(origin);
        }
        if (hasSender) {
            b.append(" pid=").append(senderPid).append(" uid=").append(senderUid);
        }
        b.append(" code=").append(code);
        if (hasValue) {
            b.append(" value=").append(value);
        }
        if (timerOverrun >= 0) {
            b.append(" overrun=").append(timerOverrun);
        }
        if (coalesced > 0) {
            b.append(" coalesced=").append(coalesced);
        }
        if (folded) {
            b.append(" folded");
        }
        return b.append(']').toString();
    }
}

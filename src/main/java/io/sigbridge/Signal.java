package io.sigbridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.sigbridge.internal.PlatformSignals;

/**
 * A signal of this platform: a name and its number here. Numbers differ between operating
 * systems (USR1 is 10 on Linux and 30 on macOS), so code should use the constants or
 * {@link #named(String)} and never hard-code numbers.
 *
 * <p>Two signals are equal when their numbers are equal. Real-time signals are named relative
 * to the first one available to applications, {@code RTMIN+k}, because glibc keeps the first
 * few for itself and moves SIGRTMIN at run time.
 *
 * <h2>Constants of other platforms</h2>
 * Every constant exists on every platform, so code that mentions {@link #HUP} loads on Windows
 * and code that mentions {@link #BREAK} loads on Linux. A constant whose signal this platform
 * does not have is {@linkplain #isAvailable() unavailable}: it has a name but no number, and
 * {@link #number()} as well as handling, raising or sending it throw
 * {@link UnsupportedOperationException} naming the platform. {@link #all()}, {@link #named}
 * and {@link #ofNumber} only ever return available signals. Windows has INT, ILL, FPE, SEGV,
 * TERM, BREAK and ABRT (the C runtime's signals, see {@link ConsoleEvent} for the console).
 */
public final class Signal implements Comparable<Signal> {
    /** SIGHUP: hangup: the controlling terminal closed; daemons take it as "reload". */
    public static final Signal HUP = standard("HUP");
    /** SIGINT: interrupt: Ctrl-C at the terminal. */
    public static final Signal INT = standard("INT");
    /** SIGQUIT: quit: Ctrl-\ at the terminal; the JVM prints a thread dump. */
    public static final Signal QUIT = standard("QUIT");
    /** SIGABRT: abort: {@code abort()}, a failed assertion in native code. */
    public static final Signal ABRT = standard("ABRT");
    /** SIGTERM: termination request: {@code kill}'s default, how service managers stop a process. */
    public static final Signal TERM = standard("TERM");
    /** SIGUSR1: user-defined signal 1. */
    public static final Signal USR1 = standard("USR1");
    /** SIGUSR2: user-defined signal 2 (HotSpot's suspend/resume signal unless moved). */
    public static final Signal USR2 = standard("USR2");
    /** SIGALRM: alarm clock: {@code alarm(2)}, {@code setitimer(2)}. */
    public static final Signal ALRM = standard("ALRM");
    /** SIGPIPE: write to a pipe or socket nobody reads. */
    public static final Signal PIPE = standard("PIPE");
    /** SIGCHLD: a child process stopped or ended. */
    public static final Signal CHLD = standard("CHLD");
    /** SIGCONT: continue after a stop. */
    public static final Signal CONT = standard("CONT");
    /** SIGTSTP: stop from the terminal: Ctrl-Z. */
    public static final Signal TSTP = standard("TSTP");
    /** SIGTTIN: a background process read from its terminal. */
    public static final Signal TTIN = standard("TTIN");
    /** SIGTTOU: a background process wrote to its terminal. */
    public static final Signal TTOU = standard("TTOU");
    /** SIGWINCH: the terminal window changed size. */
    public static final Signal WINCH = standard("WINCH");
    /**
     * Windows only: Ctrl-Break, the C runtime's SIGBREAK (21) and {@link ConsoleEvent#CTRL_BREAK}.
     * The JVM uses it for its thread dump, as QUIT on POSIX: while a sigbridge registration
     * consumes it the JVM's thread dump does not happen; {@link Chain#PREVIOUS} keeps it.
     * Unavailable elsewhere.
     */
    public static final Signal BREAK = standard("BREAK");

    private static final int UNAVAILABLE = -1;

    private final String name;
    private final int number;

    private Signal(String name, int number) {
        this.name = name;
        this.number = number;
    }

    /** The platform's signal of that name, or an unavailable one: never a failure at class init. */
    private static Signal standard(String name) {
        Integer number = PlatformSignals.standard().get(name);
        return new Signal(name, number == null ? UNAVAILABLE : number);
    }

    /** {@return the name without the {@code SIG} prefix: {@code "TERM"}, {@code "RTMIN+3"}} */
    public String name() {
        return name;
    }

    /**
     * {@return the signal's number on this platform}
     *
     * @throws UnsupportedOperationException when this platform has no such signal
     */
    public int number() {
        requireAvailable();
        return number;
    }

    /**
     * {@return whether this platform has the signal}: false for a constant of another platform
     * ({@link #HUP} on Windows, {@link #BREAK} on Linux).
     */
    public boolean isAvailable() {
        return number != UNAVAILABLE;
    }

    private void requireAvailable() {
        if (number == UNAVAILABLE) {
            throw new UnsupportedOperationException("SIG" + name + " does not exist on "
                    + System.getProperty("os.name") + "; the signals here are "
                    + String.join(" ", PlatformSignals.standard().keySet()));
        }
    }

    /**
     * {@return whether this is a real-time signal (RTMIN..RTMAX)}, which the kernel queues
     * instead of merging.
     */
    public boolean isRealtime() {
        return name.startsWith("RTMIN");
    }

    /**
     * The signal with this name: {@code "TERM"}, {@code "SIGTERM"}, {@code "term"},
     * {@code "RTMIN+3"}, {@code "SIGRTMAX-1"}.
     *
     * @param name the name, with or without {@code SIG}, in any case
     * @return the signal of that name here
     * @throws IllegalArgumentException for a name that does not exist here; the message lists
     *     the names that do
     */
    public static Signal named(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        Integer standard = PlatformSignals.standard().get(n);
        if (standard != null) {
            return new Signal(n, standard);
        }
        if (n.startsWith("RTMIN") || n.startsWith("RTMAX")) {
            int[] range = realtimeRange();
            int offset = parseOffset(name, n.substring(5));
            int number = (n.startsWith("RTMIN") ? range[1] : range[2]) + offset;
            if (number < range[1] || number > range[2]) {
                throw new IllegalArgumentException(name + " is outside the real-time range RTMIN+0.."
                        + "RTMIN+" + (range[2] - range[1]) + " of this system");
            }
            return new Signal("RTMIN+" + (number - range[1]), number);
        }
        throw new IllegalArgumentException("no signal named '" + name + "' here; the names are "
                + String.join(" ", PlatformSignals.standard().keySet()) + describeRealtime());
    }

    /**
     * The signal with this number here.
     *
     * @param number a signal number of this platform
     * @return the signal with that number
     * @throws IllegalArgumentException for a number that is no signal here (including those the C
     *     library keeps for itself); the message lists the names that exist
     */
    public static Signal ofNumber(int number) {
        for (Map.Entry<String, Integer> e : PlatformSignals.standard().entrySet()) {
            if (e.getValue() == number) {
                return new Signal(e.getKey(), number);
            }
        }
        int[] range = realtimeRangeOrNone();
        if (range[1] > 0 && number >= range[1] && number <= range[2]) {
            return new Signal("RTMIN+" + (number - range[1]), number);
        }
        throw new IllegalArgumentException("no signal has number " + number + " here; the names are "
                + String.join(" ", PlatformSignals.standard().keySet()) + describeRealtime());
    }

    /**
     * The real-time signal {@code RTMIN+offset}.
     *
     * @param offset 0 for the first real-time signal applications may use
     * @return the signal {@code RTMIN+offset}
     * @throws IllegalArgumentException when the offset is outside this system's range
     * @throws UnsupportedOperationException where there are no real-time signals (macOS)
     */
    public static Signal realtime(int offset) {
        int[] range = realtimeRange();
        if (offset < 0 || range[1] + offset > range[2]) {
            throw new IllegalArgumentException("real-time offset " + offset + " is outside 0.."
                    + (range[2] - range[1]) + " on this system");
        }
        return new Signal("RTMIN+" + offset, range[1] + offset);
    }

    /** {@return every signal of this platform: the standard ones, then the real-time range if there is one} */
    public static List<Signal> all() {
        List<Signal> all = new ArrayList<>();
        PlatformSignals.standard().forEach((name, number) -> all.add(new Signal(name, number)));
        int[] range = realtimeRangeOrNone();
        for (int n = range[1]; range[1] > 0 && n <= range[2]; n++) {
            all.add(new Signal("RTMIN+" + (n - range[1]), n));
        }
        return Collections.unmodifiableList(all);
    }

    private static int parseOffset(String original, String suffix) {
        if (suffix.isEmpty()) {
            return 0;
        }
        try {
            if (suffix.charAt(0) == '+' || suffix.charAt(0) == '-') {
                return Integer.parseInt(suffix);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("cannot read the real-time offset in '" + original
                + "'; write RTMIN+k or RTMAX-k");
    }

    private static int[] realtimeRange() {
        int[] range = PlatformSignals.realtimeRange();
        if (range[1] <= 0) {
            throw new UnsupportedOperationException("this system has no real-time signals");
        }
        return range;
    }

    private static int[] realtimeRangeOrNone() {
        try {
            return PlatformSignals.realtimeRange();
        } catch (RuntimeException e) {
            return new int[] {0, -1, -1};
        }
    }

    private static String describeRealtime() {
        int[] range = realtimeRangeOrNone();
        return range[1] > 0 ? " and RTMIN+0..RTMIN+" + (range[2] - range[1]) : "";
    }

    @Override
    public int compareTo(Signal other) {
        int c = Integer.compare(number, other.number);
        return c != 0 || isAvailable() ? c : name.compareTo(other.name);
    }

    /** Equal numbers; two unavailable constants are equal when their names are. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Signal)) {
            return false;
        }
        Signal other = (Signal) o;
        return other.number == number && (isAvailable() || other.name.equals(name));
    }

    @Override
    public int hashCode() {
        return isAvailable() ? number : name.hashCode();
    }

    /** {@code SIGTERM(15)}; {@code SIGHUP(unavailable)} for a constant of another platform. */
    @Override
    public String toString() {
        return "SIG" + name + "(" + (isAvailable() ? Integer.toString(number) : "unavailable") + ")";
    }
}

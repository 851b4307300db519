package io.sigbridge.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signal names and numbers of this platform, and which signals sigbridge refuses to handle and
 * why. The standard numbers are fixed by each OS's ABI, so they are known without the native
 * library; only the real-time range (glibc keeps a few for itself) is asked of it.
 */
public final class PlatformSignals {
    private static final Map<String, Integer> STANDARD = standardTable(Platform.current());

    private PlatformSignals() {}

    /** Name (without "SIG") to number, in number order. */
    public static Map<String, Integer> standard() {
        return STANDARD;
    }

    private static Map<String, Integer> standardTable(Platform platform) {
        Map<String, Integer> t = new LinkedHashMap<>();
        switch (platform) {
            case WINDOWS:
                // The C runtime's signals (signal.h of msvcrt and UCRT); BREAK is Ctrl-Break.
                put(t, "INT", 2, "ILL", 4, "FPE", 8, "SEGV", 11, "TERM", 15, "BREAK", 21,
                        "ABRT", 22);
                break;
            case MACOS:
                put(t, "HUP", 1, "INT", 2, "QUIT", 3, "ILL", 4, "TRAP", 5, "ABRT", 6, "EMT", 7,
                        "FPE", 8, "KILL", 9, "BUS", 10, "SEGV", 11, "SYS", 12, "PIPE", 13,
                        "ALRM", 14, "TERM", 15, "URG", 16, "STOP", 17, "TSTP", 18, "CONT", 19,
                        "CHLD", 20, "TTIN", 21, "TTOU", 22, "IO", 23, "XCPU", 24, "XFSZ", 25,
                        "VTALRM", 26, "PROF", 27, "WINCH", 28, "INFO", 29, "USR1", 30, "USR2", 31);
                break;
            case LINUX:
            default:
                // The generic Linux numbering (x86_64, aarch64, riscv64, ...).
                put(t, "HUP", 1, "INT", 2, "QUIT", 3, "ILL", 4, "TRAP", 5, "ABRT", 6, "BUS", 7,
                        "FPE", 8, "KILL", 9, "USR1", 10, "SEGV", 11, "USR2", 12, "PIPE", 13,
                        "ALRM", 14, "TERM", 15, "STKFLT", 16, "CHLD", 17, "CONT", 18, "STOP", 19,
                        "TSTP", 20, "TTIN", 21, "TTOU", 22, "URG", 23, "XCPU", 24, "XFSZ", 25,
                        "VTALRM", 26, "PROF", 27, "WINCH", 28, "IO", 29, "PWR", 30, "SYS", 31);
                break;
        }
        return Collections.unmodifiableMap(t);
    }

    private static void put(Map<String, Integer> table, Object... namesAndNumbers) {
        for (int i = 0; i < namesAndNumbers.length; i += 2) {
            table.put((String) namesAndNumbers[i], (Integer) namesAndNumbers[i + 1]);
        }
    }

    /** {nsig, rtmin, rtmax} from the native library (loading it if needed). */
    public static int[] realtimeRange() {
        NativeLibrary.load();
        int[] info = new int[4];
        NativeSignals.platformInfo(info);
        return new int[] {info[0], info[1], info[2]};
    }

    /**
     * The signal HotSpot suspends and resumes threads with (SR_signum): SIGUSR2 unless
     * {@code _JAVA_SR_SIGNUM} moves it. -1 on Windows, which has none.
     */
    public static int suspendResumeSignal() {
        return suspendResumeSignal(System.getenv("_JAVA_SR_SIGNUM"));
    }

    /**
     * What HotSpot makes of a {@code _JAVA_SR_SIGNUM} setting (signals_posix.cpp, SR_initialize):
     * a number taken only when it lies in {@code max(SIGSEGV, SIGBUS) < n < NSIG}; otherwise
     * HotSpot warns and keeps SIGUSR2. How it reads the number changed between releases: JDK 17
     * takes {@code strtol(s, 0, 10)} assigned to an int (" 40abc" is 40), Temurin 25 takes
     * {@code parse_integer} (the whole string, decimal or 0x-hexadecimal, no sign or blanks, no
     * overflow: " 40abc" keeps USR2). Both were observed here; a release between them is read
     * the way 17 reads it, which differs only for settings no one means.
     */
    static int suspendResumeSignal(String setting) {
        return suspendResumeSignal(setting, Runtime.version().feature());
    }

    static int suspendResumeSignal(String setting, int jdkFeature) {
        int usr2 = STANDARD.getOrDefault("USR2", -1);
        if (setting == null || usr2 < 0) {
            return usr2;
        }
        long n = jdkFeature >= STRICT_SR_SIGNUM_FROM ? parseInteger(setting)
                : (int) strtol(setting); // C's long-to-int conversion keeps the low 32 bits
        int above = Math.max(STANDARD.get("SEGV"), STANDARD.get("BUS"));
        return n > above && n < hotSpotNsig() ? (int) n : usr2;
    }

    /** The first JDK release seen to read _JAVA_SR_SIGNUM with HotSpot's parse_integer. */
    private static final int STRICT_SR_SIGNUM_FROM = 25;

    /**
     * HotSpot's {@code parse_integer} for an int: all of {@code s}, decimal or, after 0x/0X,
     * hexadecimal, an optional leading minus, within the int range; -1 (no signal) otherwise.
     */
    static long parseInteger(String s) {
        try {
            boolean negative = s.startsWith("-");
            String digits = negative ? s.substring(1) : s;
            int radix = 10;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                radix = 16;
                digits = digits.substring(2);
            }
            if (digits.isEmpty() || digits.charAt(0) == '+' || digits.charAt(0) == '-') {
                return -1;
            }
            long value = Long.parseLong(digits, radix);
            value = negative ? -value : value;
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** NSIG as HotSpot was compiled with it: glibc's 65 on Linux, 32 on macOS. */
    private static int hotSpotNsig() {
        return Platform.current() == Platform.MACOS ? 32 : 65;
    }

    /**
     * C's {@code strtol(s, NULL, 10)}: leading white space, an optional sign, then as many digits
     * as there are; 0 when there are none; LONG_MIN or LONG_MAX on overflow.
     */
    static long strtol(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long value = 0;
        boolean overflow = false;
        for (; i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
            int digit = s.charAt(i) - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                overflow = true;
            } else {
                value = value * 10 + digit;
            }
        }
        if (overflow) {
            return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return negative ? -value : value;
    }

    /**
     * Why a signal cannot be handled here, or empty when it can. {@code quitInUseByJvm} says
     * whether the JVM's thread-dump handler is installed on QUIT (it is, unless -Xrs).
     */
    public static Optional<String> reservation(String name, int number, boolean quitInUseByJvm) {
        if (Platform.current() == Platform.WINDOWS) {
            return windowsReservation(name);
        }
        switch (name) {
            case "KILL":
            case "STOP":
                return Optional.of("the operating system never lets a process catch or ignore it");
            case "SEGV":
            case "BUS":
            case "FPE":
            case "ILL":
                return Optional.of("HotSpot owns it (implicit null checks, safepoints, its crash"
                        + " reporter); a handler here would break the JVM, and hs_err files already"
                        + " report real crashes");
            case "TRAP":
                return Optional.of("HotSpot uses it for traps on some CPUs, and debuggers rely on it");
            case "PIPE":
            case "XFSZ":
                return Optional.of("HotSpot installs its own handler so that writes fail with an"
                        + " error instead of ending the process, and -Xcheck:jni checks it");
            case "QUIT":
                if (quitInUseByJvm) {
                    return Optional.of("it is the JVM's thread-dump signal; it can be handled only"
                            + " when the JVM runs with -Xrs (or -XX:+ReduceSignalUsage)");
                }
                break;
            default:
                break;
        }
        if (number == suspendResumeSignal()) {
            return Optional.of("HotSpot suspends and resumes threads with it (SR_signum); start the"
                    + " JVM with the environment variable _JAVA_SR_SIGNUM=<another signal> to free it");
        }
        return Optional.empty();
    }

    private static Optional<String> windowsReservation(String name) {
        switch (name) {
            case "SEGV":
            case "ILL":
            case "FPE":
                return Optional.of("the C runtime implements it as an exception filter that resumes"
                        + " the faulting instruction, so a handler that returns loops forever, and"
                        + " HotSpot needs these exceptions (implicit null checks, safepoints)");
            default:
                return Optional.empty();
        }
    }

    /** A readable name for an si_code value (Linux and macOS values differ). */
    public static String describeCode(int code) {
        if (Platform.current() == Platform.MACOS) {
            switch (code) {
                case 0x10001: return "SI_USER";
                case 0x10002: return "SI_QUEUE";
                case 0x10003: return "SI_TIMER";
                case 0x10004: return "SI_ASYNCIO";
                case 0x10005: return "SI_MESGQ";
                default: return Integer.toString(code);
            }
        }
        switch (code) {
            case 0: return "SI_USER";
            case 0x80: return "SI_KERNEL";
            case -1: return "SI_QUEUE";
            case -2: return "SI_TIMER";
            case -3: return "SI_MESGQ";
            case -4: return "SI_ASYNCIO";
            case -5: return "SI_SIGIO";
            case -6: return "SI_TKILL";
            default: return Integer.toString(code);
        }
    }
}

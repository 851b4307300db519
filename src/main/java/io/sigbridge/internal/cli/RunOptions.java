package io.sigbridge.internal.cli;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sigbridge.Signal;
import io.sigbridge.internal.Platform;

/**
 * The options of {@code sigbridge run}, as users of tini and dumb-init write them: the long
 * names of the issue, dumb-init's short ones ({@code -c -r -v -V -h}) and tini's ({@code -e -p},
 * and {@code -s -g}, which are what {@code run} always does). Options end at {@code --} or at
 * the first word that is not one; what follows is the command. One parser for every platform:
 * on Windows the options that have no meaning there are refused with the reason.
 */
final class RunOptions {
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    static final Duration DEFAULT_DUMP_WAIT = Duration.ofSeconds(2);

    Duration grace = DEFAULT_GRACE;
    /** FROM to TO; an empty TO drops FROM. In the order given; a later one for FROM wins. */
    final Map<Signal, Optional<Signal>> rewrites = new LinkedHashMap<>();
    /** Exit status FROM to TO, the first that matches. */
    final Map<Integer, Integer> exitRemaps = new LinkedHashMap<>();
    final Map<Signal, Duration> delays = new LinkedHashMap<>();
    boolean singleChild;
    boolean verbose;
    boolean help;
    boolean version;
    Signal parentDeathSignal;
    Duration timeout;
    Signal dumpSignal;
    Duration dumpWait = DEFAULT_DUMP_WAIT;
    /** Index of the command's first word in the argument list; the size of the list when none. */
    int commandStart;
    List<String> command = List.of();

    private RunOptions() {}

    static RunOptions parse(List<String> args, Platform platform) {
        RunOptions o = new RunOptions();
        boolean groupAsked = false;
        int i = 0;
        for (; i < args.size(); i++) {
            String word = args.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (!word.startsWith("-") || word.equals("-")) {
                break; // the command, without "--"
            }
            String name = word;
            String inline = null;
            int eq = word.indexOf('=');
            if (word.startsWith("--") && eq > 0) {
                name = word.substring(0, eq);
                inline = word.substring(eq + 1);
            }
            switch (name) {
                case "-h":
                case "--help":
                    o.help = true;
                    return o;
                case "-V":
                case "--version":
                    o.version = true;
                    return o;
                case "-v":
                case "--verbose":
                    o.verbose = true;
                    continue;
                case "-s": // tini: register as a child subreaper; run always is one (Linux)
                    continue;
                case "-g": // tini: signal the child's group; run always does (but --single-child)
                    groupAsked = true;
                    continue;
                case "-c":
                case "--single-child":
                    refuseOnWindows(platform, name, "the child always gets a process group of its"
                            + " own there: CTRL_BREAK_EVENT can only be aimed at a group");
                    o.singleChild = true;
                    continue;
                default:
                    break;
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw usage(name + " needs a value");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--grace":
                    o.grace = positive(name, value);
                    break;
                case "--timeout":
                    o.timeout = positive(name, value);
                    break;
                case "-r":
                case "--rewrite":
                    refuseOnWindows(platform, name, "there are no signals to rewrite: CTRL_C,"
                            + " CTRL_BREAK and CTRL_CLOSE all reach the child's group as"
                            + " CTRL_BREAK_EVENT, the one console event a group can be sent");
                    o.addRewrite(name, value);
                    break;
                case "-e":
                    o.exitRemaps.putIfAbsent(exitStatus(name, value), 0);
                    break;
                case "--remap-exit":
                    o.addExitRemap(name, value);
                    break;
                case "-p":
                case "--pdeathsig":
                    refuseOnWindows(platform, name, "there are no signals; the child's Job Object"
                            + " already ends the whole tree when the supervisor ends, however it ends");
                    if (platform != Platform.LINUX) {
                        throw usage(name + " needs Linux (prctl PR_SET_PDEATHSIG); " + platform
                                + " has no parent-death signal");
                    }
                    o.parentDeathSignal = signal(name, value); // KILL too, as with tini -p SIGKILL
                    break;
                case "--dump":
                    refuseOnWindows(platform, name, "the one event run can send the child's group"
                            + " is CTRL_BREAK_EVENT, and --timeout sends it already (a JVM prints"
                            + " its threads on it)");
                    o.addDump(name, value);
                    break;
                case "--delay":
                    refuseOnWindows(platform, name, "there are no signals to hold: CTRL_CLOSE"
                            + " leaves about 5 s in all before Windows ends the supervisor");
                    o.addDelay(name, value);
                    break;
                default:
                    throw usage("unknown option '" + word + "'");
            }
        }
        if (o.dumpSignal != null && o.timeout == null) {
            throw usage("--dump needs --timeout: it is what a timeout sends first");
        }
        if (groupAsked && o.singleChild) {
            throw usage("-g (signal the child's group) and --single-child contradict each other");
        }
        o.commandStart = i;
        o.command = Collections.unmodifiableList(args.subList(i, args.size()));
        return o;
    }

    private void addRewrite(String option, String value) {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw usage(option + " takes FROM:TO (TERM:INT; an empty TO, as in TSTP:, drops"
                    + " FROM), not '" + value + "'");
        }
        Signal from = catchable(option, value.substring(0, colon));
        if (from.name().equals("CHLD")) {
            throw usage(option + ": CHLD tells the supervisor that a child ended; it is never"
                    + " forwarded, so there is nothing to rewrite");
        }
        String to = value.substring(colon + 1).trim();
        rewrites.put(from, to.isEmpty() || to.equals("0") ? Optional.empty()
                : Optional.of(signal(option, to)));
    }

    private void addExitRemap(String option, String value) {
        int colon = value.indexOf(':');
        int from = exitStatus(option, colon < 0 ? value : value.substring(0, colon));
        int to = colon < 0 ? 0 : exitStatus(option, value.substring(colon + 1));
        exitRemaps.putIfAbsent(from, to);
    }

    private void addDump(String option, String value) {
        int colon = value.indexOf(':');
        dumpSignal = catchable(option, colon < 0 ? value : value.substring(0, colon));
        if (colon >= 0) {
            dumpWait = Durations.parse(value.substring(colon + 1));
            if (dumpWait.isNegative()) {
                throw usage(option + ": the wait after the dump cannot be negative");
            }
        }
    }

    private void addDelay(String option, String value) {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw usage(option + " takes SIGNAL:DURATION (TERM:5s), not '" + value + "'");
        }
        Signal signal = catchable(option, value.substring(0, colon));
        if (signal.name().equals("CHLD")) {
            throw usage(option + ": CHLD is never forwarded, so it cannot be held");
        }
        delays.put(signal, positive(option, value.substring(colon + 1)));
    }

    private static void refuseOnWindows(Platform platform, String option, String why) {
        if (platform == Platform.WINDOWS) {
            throw usage(option + " is not available on Windows: " + why);
        }
    }

    private static Duration positive(String option, String value) {
        Duration d = Durations.parse(value);
        if (d.isZero() || d.isNegative()) {
            throw usage(option + " must be positive, not " + value);
        }
        return d;
    }

    private static int exitStatus(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0 && n <= 255) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(option + ": an exit status is 0..255, not '" + value + "'");
    }

    /** A signal by name (TERM, SIGTERM, RTMIN+2) or number. */
    private static Signal signal(String option, String text) {
        String t = text.trim();
        try {
            return isNumber(t) ? Signal.ofNumber(Integer.parseInt(t)) : Signal.named(t);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    /** Digits only; a loop, not a stream: this runs before every {@code run}'s exec. */
    private static boolean isNumber(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A signal a process can be sent and catch: not KILL or STOP. */
    private static Signal catchable(String option, String text) {
        Signal s = signal(option, text);
        if (s.name().equals("KILL") || s.name().equals("STOP")) {
            throw usage(option + ": SIG" + s.name() + " cannot be caught, so the supervisor never"
                    + " receives it to pass on");
        }
        return s;
    }

    private static Main.UsageException usage(String message) {
        return new Main.UsageException(message);
    }
}

package io.sigbridge.internal.cli;

import java.io.PrintStream;
import java.util.List;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.Platform;

/**
 * {@code send PID SIGNAL [VALUE]}. On Windows (no kill): TERM is WM_CLOSE to the process's
 * windows (taskkill /PID), INT and BREAK are CTRL_C and CTRL_BREAK on its console.
 */
final class SendCommand {
    private SendCommand() {}

    static int run(List<String> args, PrintStream out) {
        if (args.size() < 2 || args.size() > 3) {
            throw new Main.UsageException("usage: send PID SIGNAL [VALUE]");
        }
        long pid = parseLong(args.get(0), "PID");
        Signal signal = parseSignal(args.get(1));
        if (args.size() == 3) {
            int value = (int) parseLong(args.get(2), "VALUE");
            Signals.send(pid, signal, value);
            out.println("sent " + signal + " with value " + value + " to " + pid);
        } else {
            Signals.send(pid, signal);
            out.println("sent " + signal + " to " + pid + windowsPath(pid, signal));
        }
        return 0;
    }

    /** What Windows did instead of kill(2), for the person reading the output. */
    private static String windowsPath(long pid, Signal signal) {
        if (Platform.current() != Platform.WINDOWS || pid == ProcessHandle.current().pid()) {
            return "";
        }
        return signal.name().equals("TERM") ? " (WM_CLOSE to its top-level windows, as taskkill /PID)"
                : " (" + (signal.name().equals("INT") ? "CTRL_C" : "CTRL_BREAK")
                        + " to every process on its console)";
    }

    static Signal parseSignal(String text) {
        try {
            return text.chars().allMatch(Character::isDigit)
                    ? Signal.ofNumber(Integer.parseInt(text)) : Signal.named(text);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }

    static long parseLong(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new Main.UsageException(what + " must be an integer, not '" + text + "'");
        }
    }
}

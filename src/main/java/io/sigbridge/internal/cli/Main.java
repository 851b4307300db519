package io.sigbridge.internal.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code sigbridge} command-line tool: {@code java -jar sigbridge.jar COMMAND ...}.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: java -jar sigbridge.jar COMMAND [ARGS]",
            "",
            "  bench [--plot FILE.png] [--iterations N] [--warmup N] [--burst N] [--flood N]",
            "        [--senders K] [--exit-runs N]",
            "        signal-to-handler latency of sigbridge, sun.misc.Signal and a plain C floor,",
            "        back to back and isolated (raise every 200 us), side by side (p50/p90/p99/max",
            "        and ratios); a child JVM's exit time after main, with and without a",
            "        registration; a burst of real-time signals with sequence values from another",
            "        process, and with --flood N from K at once (sent, delivered, coalesced, out of",
            "        order, rate); --plot draws the back-to-back latency CDFs into a PNG",
            "  watch [--for DURATION] [SIGNAL...]",
            "        print one line per signal received (default: HUP INT TERM USR1 WINCH CONT);",
            "        stop with Ctrl-C twice or after DURATION (30s, 500ms, 2m)",
            "  send PID SIGNAL [VALUE]",
            "        kill(2) PID, or sigqueue(3) it with VALUE",
            "  list  every signal of this platform: number, name, usable or reserved and why",
            "  run [OPTIONS] [--] COMMAND [ARGS...]",
            "        a supervisor like tini and dumb-init (run --help for the options): COMMAND",
            "        leads a new process group and gets every catchable signal (POSIX: the JVM",
            "        replaces itself, same pid, with a small C supervisor from the jar), job",
            "        control and the terminal's foreground, orphans reaped, --timeout/--dump for",
            "        hung jobs; exits with COMMAND's status (128+n for signal n, 127 not found);",
            "        on Windows: a new process group and Job Object, CTRL_C, CTRL_BREAK and",
            "        CTRL_CLOSE become CTRL_BREAK to its group",
            "");

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")
                || args.get(0).equals("help")) {
            (args.isEmpty() ? err : out).print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            switch (args.get(0)) {
                case "bench":
                    return Bench.run(rest, out);
                case "watch":
                    return Watch.run(rest, out);
                case "send":
                    return SendCommand.run(rest, out);
                case "list":
                    return ListCommand.run(rest, out);
                case "run":
                    return RunCommand.run(rest, out, err);
                default:
                    err.println("sigbridge: unknown command '" + args.get(0) + "'");
                    err.print(USAGE);
                    return 2;
            }
        } catch (UsageException e) {
            err.println("sigbridge " + args.get(0) + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("sigbridge " + args.get(0) + ": " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
            return 1;
        }
    }

    /** Bad command-line arguments: reported with exit status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}

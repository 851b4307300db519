package io.sigbridge.internal.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import io.sigbridge.Signal;
import io.sigbridge.Signals;

/** {@code list}: every signal here, and whether sigbridge can handle it. */
final class ListCommand {
    private ListCommand() {}

    static int run(List<String> args, PrintStream out) {
        if (!args.isEmpty()) {
            throw new Main.UsageException("list takes no arguments");
        }
        out.printf("%4s  %-10s %s%n", "NUM", "NAME", "STATUS");
        for (Signal s : Signal.all()) {
            Optional<String> reason = Signals.reservation(s);
            out.printf("%4d  %-10s %s%n", s.number(), "SIG" + s.name(),
                    reason.map(r -> "reserved: " + r).orElse("usable"));
        }
        return 0;
    }
}

package io.sigbridge.internal.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code bench}: written next. */
final class Bench {
    private Bench() {}

    static int run(List<String> args, PrintStream out) {
        throw new Main.UsageException("bench is not built yet");
    }
}

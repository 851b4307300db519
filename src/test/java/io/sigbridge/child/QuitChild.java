package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.sigbridge.Signal;
import io.sigbridge.Signals;

/** Run with -Xrs: QUIT is free, so sigbridge handles it; the child exits 0 after the first one. */
public final class QuitChild {
    private QuitChild() {}

    public static void main(String[] args) throws Exception {
        say("RESERVATION " + Signals.reservation(Signal.QUIT).orElse("none"));
        say("MASK mainBlocksQuit=" + blockedInThisThread(Signal.QUIT));
        CountDownLatch handled = new CountDownLatch(1);
        Signals.handle(Signal.QUIT, e -> {
            say("QUIT handled " + ChildIo.describe(e));
            handled.countDown();
        });
        ChildIo.ready();
        ChildIo.awaitOrExit(handled, "TIMEOUT waiting for QUIT");
        System.exit(0);
    }

    /**
     * Whether this thread blocks the signal, from /proc (Linux): a JDK before 20 starts its
     * children with QUIT blocked, inherited from the spawning thread.
     */
    private static String blockedInThisThread(Signal signal) throws IOException {
        Path status = Path.of("/proc/thread-self/status");
        if (!Files.exists(status)) {
            return "unknown";
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigBlk:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return Boolean.toString((mask & (1L << (signal.number() - 1))) != 0);
            }
        }
        return "unknown";
    }
}

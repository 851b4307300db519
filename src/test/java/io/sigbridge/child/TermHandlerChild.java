package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import java.util.concurrent.CountDownLatch;

import io.sigbridge.Signal;
import io.sigbridge.Signals;

/**
 * Handles TERM (consuming it) and survives it; USR1 then makes it exit with status 42 through
 * System.exit, shutdown hooks included.
 */
public final class TermHandlerChild {
    private TermHandlerChild() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch told = new CountDownLatch(1);
        Signals.handle(Signal.TERM, e -> say("TERM handled " + ChildIo.describe(e)));
        Signals.handle(Signal.USR1, e -> {
            say("USR1 handled " + ChildIo.describe(e));
            told.countDown();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> say("HOOK ran"), "child-hook"));
        ChildIo.ready();
        ChildIo.awaitOrExit(told, "TIMEOUT waiting for USR1");
        say("EXITING 42");
        System.exit(42);
    }
}

package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import io.sigbridge.Chain;
import io.sigbridge.Signal;
import io.sigbridge.Signals;

/** Handles TERM with Chain.PREVIOUS: its handler runs, then the JVM's shutdown (hooks, exit 143). */
public final class TermChainChild {
    private TermChainChild() {}

    public static void main(String[] args) throws Exception {
        Signals.handle(Signal.TERM, e -> say("HANDLER ran " + ChildIo.describe(e)), Chain.PREVIOUS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> say("HOOK ran"), "child-hook"));
        ChildIo.ready();
        ChildIo.awaitDeath();
    }
}

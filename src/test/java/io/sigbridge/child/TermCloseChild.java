package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;

/**
 * Registers TERM, closes the registration, and reports the handler address and disposition
 * before, during and after; then waits to be killed by TERM, which must now reach the JVM's own
 * handler again (shutdown hooks, exit 143).
 */
public final class TermCloseChild {
    private TermCloseChild() {}

    public static void main(String[] args) throws Exception {
        NativeLibrary.load();
        int term = Signal.TERM.number();
        long addressBefore = NativeSignals.handlerAddress(term);
        int dispositionBefore = NativeSignals.disposition(term);
        Registration registration = Signals.handle(Signal.TERM, e -> say("HANDLER ran " + ChildIo.describe(e)));
        long addressDuring = NativeSignals.handlerAddress(term);
        int dispositionDuring = NativeSignals.disposition(term);
        registration.close();
        long addressAfter = NativeSignals.handlerAddress(term);
        int dispositionAfter = NativeSignals.disposition(term);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> say("HOOK ran"), "child-hook"));
        say("ADDRESS before=" + Long.toHexString(addressBefore) + " during=" + Long.toHexString(addressDuring)
                + " after=" + Long.toHexString(addressAfter));
        say("DISPOSITION before=" + dispositionBefore + " during=" + dispositionDuring + " after=" + dispositionAfter
                + " active=" + registration.isActive());
        ChildIo.ready();
        ChildIo.awaitDeath();
    }
}

package io.sigbridge.child;

import static io.sigbridge.child.ChildIo.say;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalStats;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;

/**
 * Started with HUP ignored (as under nohup). Registers HUP, and on the command {@code close}
 * closes it and reports the disposition, which must be SIG_IGN again; {@code exit N} reports
 * HUP's accounting and exits with status N.
 */
public final class HupIgnoredChild {
    private HupIgnoredChild() {}

    public static void main(String[] args) throws Exception {
        NativeLibrary.load();
        int hup = Signal.HUP.number();
        int inherited = NativeSignals.disposition(hup);
        Registration registration = Signals.handle(Signal.HUP, e -> say("HUP handled " + ChildIo.describe(e)));
        say("DISPOSITION inherited=" + inherited + " registered=" + NativeSignals.disposition(hup));
        ChildIo.ready();
        for (;;) {
            String command = ChildIo.command();
            if (command.equals("close")) {
                registration.close();
                say("CLOSED disposition=" + NativeSignals.disposition(hup));
            } else if (command.startsWith("exit ")) {
                SignalStats stats = Signals.stats(Signal.HUP);
                say("EXITING invocations=" + stats.invocations() + " delivered=" + stats.delivered()
                        + " disposition=" + NativeSignals.disposition(hup));
                System.exit(Integer.parseInt(command.substring(5)));
            } else {
                say("UNKNOWN command " + command);
            }
        }
    }
}

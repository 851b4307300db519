package io.sigbridge.testsupport;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.internal.NativeSignals;

/**
 * A child JVM started with some {@code _JAVA_SR_SIGNUM}: for each signal number in its arguments
 * it prints {@code SIGNAL n reserved=<sigbridge refuses it> hotspot=<HotSpot's handler is on it>}
 * (HotSpot's is the only handler there: nothing else in this JVM installs one), then exits.
 */
public final class SuspendResumeChild {
    private SuspendResumeChild() {}

    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) {
            Signal signal = Signal.ofNumber(Integer.parseInt(arg));
            boolean reserved = Signals.reservation(signal).isPresent();
            boolean hotspot = NativeSignals.disposition(signal.number()) == NativeSignals.DISPOSITION_OTHER;
            out.append("SIGNAL ").append(arg).append(" reserved=").append(reserved)
                    .append(" hotspot=").append(hotspot).append('\n');
        }
        System.out.print(out);
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
    }
}

package io.sigbridge;

import java.util.Optional;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.PlatformSignals;

/** Which signals may be handled or raised here, asked before anything is installed. */
final class Policy {
    private Policy() {}

    static Optional<String> reservation(Signal signal) {
        return PlatformSignals.reservation(signal.name(), signal.number(), quitInUseByJvm());
    }

    static void checkHandleable(Signal signal) {
        Optional<String> reason = reservation(signal);
        if (reason.isPresent()) {
            throw new ReservedSignalException(signal, reason.get());
        }
    }

    /** Raising a fault signal in-process would be taken by HotSpot for a crash. */
    static void checkRaisable(Signal signal) {
        switch (signal.name()) {
            case "SEGV":
            case "BUS":
            case "FPE":
            case "ILL":
            case "TRAP":
                throw new ReservedSignalException(signal, "raising it in this process would make"
                        + " HotSpot report a crash and end the JVM");
            default:
                break;
        }
    }

    /** The JVM's thread-dump handler sits on QUIT unless -Xrs: then the action is not "other". */
    private static boolean quitInUseByJvm() {
        if (!Signal.QUIT.isAvailable()) {
            return false; // Windows: no QUIT; the JVM's thread dump is on Ctrl-Break
        }
        NativeLibrary.load();
        int quit = Signal.QUIT.number();
        return NativeSignals.disposition(quit) == NativeSignals.DISPOSITION_OTHER;
    }
}

package io.sigbridge.internal.introspect;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.sigbridge.Signal;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;

/**
 * What every signal of this process is set to (sigaction's view: default, ignored, sigbridge's
 * handler or another handler at some address), for comparing before and after a test. POSIX
 * only: on Windows the C runtime's handlers cannot be read without replacing them.
 */
public final class Dispositions {
    private Dispositions() {}

    /** One signal's action: its kind ({@code NativeSignals.DISPOSITION_*}) and handler address. */
    public static final class Disposition {
        private final int kind;
        private final long address;

        Disposition(int kind, long address) {
            this.kind = kind; // SIG_DFL and SIG_IGN set with SA_SIGINFO are DEFAULT and IGNORE
            this.address = address;
        }

        public boolean isSigbridge() {
            return kind == NativeSignals.DISPOSITION_SIGBRIDGE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Disposition && ((Disposition) o).kind == kind
                    && ((Disposition) o).address == address;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + kind;
        }

        @Override
        public String toString() {
            switch (kind) {
                case NativeSignals.DISPOSITION_DEFAULT:
                    return "default";
                case NativeSignals.DISPOSITION_IGNORE:
                    return "ignored";
                case NativeSignals.DISPOSITION_SIGBRIDGE:
                    return "sigbridge's handler";
                default:
                    return "a handler at 0x" + Long.toHexString(address);
            }
        }
    }

    /**
     * Every signal's disposition, by number, when it can be read without side effects: on POSIX,
     * once sigbridge's library is loaded. Empty on Windows and before any registration was ever
     * opened (then sigbridge has changed nothing, and loading the library just to look would
     * make JDK 24 and later warn about native access in test runs that never use sigbridge).
     */
    public static Optional<Map<Integer, Disposition>> snapshotIfLoaded() {
        if (Platform.current() == Platform.WINDOWS || !LiveRegistrations.everOpened()) {
            return Optional.empty();
        }
        NativeLibrary.load();
        int[] info = new int[4];
        NativeSignals.platformInfo(info);
        Map<Integer, Disposition> all = new TreeMap<>();
        for (int signo = 1; signo < info[0]; signo++) {
            int kind = NativeSignals.disposition(signo);
            if (kind >= 0) {
                all.put(signo, new Disposition(kind, NativeSignals.handlerAddress(signo)));
            }
        }
        return Optional.of(all);
    }

    /** "SIGUSR1(10)" for a signal number, or "signal N" where this platform has no name for it. */
    public static String signalName(int signo) {
        try {
            return Signal.ofNumber(signo).toString();
        } catch (IllegalArgumentException e) {
            return "signal " + signo;
        }
    }
}

package io.sigbridge;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;

/** Turns the native layer's error codes into the typed exceptions of the public API. */
final class Errors {
    // errno values: the first three are the same on Linux and macOS, the others differ
    static final int EPERM = 1;
    static final int ESRCH = 3;
    static final int EINVAL = 22;
    private static final boolean MACOS = Platform.current() == Platform.MACOS;
    static final int EAGAIN = MACOS ? 35 : 11;
    static final int ENOTSUP = MACOS ? 45 : 95;

    private Errors() {}

    static RuntimeException fromCode(String what, int code) {
        String text = what + ": " + NativeSignals.errorText(code) + " (errno " + code + ")";
        if (code == ESRCH) {
            return new NoSuchProcessException(text, code);
        }
        if (code == EPERM) {
            return new SignalPermissionException(text, code);
        }
        if (code == EINVAL) {
            return new IllegalArgumentException(text);
        }
        if (code == EAGAIN) {
            return new SignalException(text + "; the receiver's queue of pending signals is"
                    + " full (RLIMIT_SIGPENDING), try again later", code);
        }
        if (code == ENOTSUP) {
            return new UnsupportedOperationException(text + ": not available on this platform");
        }
        return new SignalException(text, code);
    }
}

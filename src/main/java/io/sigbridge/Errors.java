package io.sigbridge;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.WindowsNatives;

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

    // Windows error codes (winerror.h)
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_NOT_SUPPORTED = 50;
    static final int ERROR_INVALID_PARAMETER = 87;
    private static final boolean WINDOWS = Platform.current() == Platform.WINDOWS;

    static RuntimeException fromCode(String what, int code) {
        if (WINDOWS) {
            return fromWindowsCode(what, code);
        }
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

    /** The Windows backend returns Windows error codes (GetLastError) and sigbridge's own. */
    static RuntimeException fromWindowsCode(String what, int code) {
        String number = (code & 0x20000000) != 0 ? "sigbridge error 0x" + Integer.toHexString(code)
                : "Windows error " + code;
        String text = what + ": " + NativeSignals.errorText(code) + " (" + number + ")";
        switch (code) {
            case WindowsNatives.ERROR_NO_CONSOLE:
                return new NoConsoleException(text, code);
            case ERROR_ACCESS_DENIED:
                return new SignalPermissionException(text, code);
            case ERROR_INVALID_PARAMETER:
                return new IllegalArgumentException(text);
            case ERROR_NOT_SUPPORTED:
                return new UnsupportedOperationException(text + ": not available on Windows");
            case ERROR_INVALID_HANDLE:
                return new SignalException(text + "; the console refused the event (no process"
                        + " group of that id on this console, or, under Wine, CTRL_BREAK, which"
                        + " Wine does not propagate)", code);
            default:
                return new SignalException(text, code);
        }
    }
}

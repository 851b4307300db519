package io.sigbridge.testsupport;

/**
 * Test-only native code: a "previous" SA_SIGINFO handler of another library that reads the
 * ucontext it is given, as Go's handler and crash reporters do.
 */
public final class NativeChain {
    static {
        System.load(System.getProperty("sigbridge.test.native"));
    }

    private NativeChain() {}

    /** Installs the reading handler on {@code signo}: 0 or an errno value. */
    public static native int installContextReader(int signo);

    /** Fills {@code out} with {calls, had a context (0/1), its thread id, si_pid, si_value}. */
    public static native void report(long[] out);
}

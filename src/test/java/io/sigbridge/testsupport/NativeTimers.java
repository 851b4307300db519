package io.sigbridge.testsupport;

/** Test-only native code that makes a real POSIX timer expire at the calling thread. */
public final class NativeTimers {
    static {
        System.load(System.getProperty("sigbridge.test.native"));
    }

    private NativeTimers() {}

    /**
     * A timer of 1 ms period aimed at this thread, with {@code value} as its sigev_value, while
     * this thread blocks {@code signo} for {@code periods} ms; then one delivery arrives here
     * with the other expirations as its overrun. 0, or an errno value.
     */
    public static native int expireWhileBlocked(int signo, int value, int periods);
}

package io.sigbridge.testsupport;

/** Test-only native code that calls abort() as a failing native library would. */
public final class NativeCrash {
    static {
        System.load(System.getProperty("sigbridge.test.native"));
    }

    private NativeCrash() {}

    /** Starts {@code count} native threads named {@code name} that call abort() together; never returns. */
    public static native void abortOnNativeThreads(String name, int count);

    /** abort() on the calling thread. */
    public static native void abortHere();

    /**
     * A native thread frees a chunk twice; glibc detects it while holding its heap lock and
     * calls abort() with the lock held. Never returns.
     */
    public static native void doubleFreeOnNativeThread();
}

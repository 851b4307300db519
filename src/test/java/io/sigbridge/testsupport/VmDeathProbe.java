package io.sigbridge.testsupport;

/**
 * Test-only: a JVMTI environment of its own (libsigbridge-testnative) whose VMDeath callback
 * watches a thread's JVMTI state and prints one line to stdout,
 * {@code VMDEATH dispatcher inNative=true|false state=0x... jvmtiError=N afterMicros=N}: whether
 * that thread was still in native code, which HotSpot's exit waits for (up to 300 ms), after
 * up to 5 s of watching.
 */
public final class VmDeathProbe {
    static {
        System.load(System.getProperty("sigbridge.test.native"));
    }

    private VmDeathProbe() {}

    /**
     * Must come after sigbridge asked for VMDeath itself: JVMTI posts to environments in the
     * order they were created. 0 or the JNI/JVMTI error.
     */
    public static native int install(Thread watched);
}

package io.sigbridge.internal;

/**
 * The hand-written JNI surface of the C core ({@code native/jni/sb_jni.c}). Every call returns
 * 0 or an error code and never throws; {@link io.sigbridge.Signals} turns codes into typed
 * exceptions. Not public API.
 */
public final class NativeSignals {
    /** Longs per event in {@link #awaitEvents(long[])}'s buffer. */
    public static final int EVENT_LONGS = 13;

    public static final int FIELD_SIGNO = 0;
    public static final int FIELD_CODE = 1;
    public static final int FIELD_PID = 2;
    public static final int FIELD_UID = 3;
    public static final int FIELD_VALUE = 4;
    public static final int FIELD_FLAGS = 5;
    public static final int FIELD_SOURCE = 6;
    public static final int FIELD_NANOS = 7;
    public static final int FIELD_SEQUENCE = 8;
    public static final int FIELD_COALESCED = 9;
    public static final int FIELD_TID = 10;
    public static final int FIELD_TICKET = 11;
    public static final int FIELD_OVERRUN = 12;

    public static final int FLAG_HAS_SENDER = 0x1;
    public static final int FLAG_HAS_VALUE = 0x2;
    public static final int FLAG_FOLDED = 0x4;
    public static final int FLAG_SYNC = 0x8;
    public static final int FLAG_HAS_OVERRUN = 0x10;

    public static final int SYNC_OFF = 0;
    public static final int SYNC_ALWAYS = 1;
    public static final int SYNC_IF_PREVIOUS_ENDS = 2;

    public static final int DISPOSITION_DEFAULT = 0;
    public static final int DISPOSITION_IGNORE = 1;
    public static final int DISPOSITION_SIGBRIDGE = 2;
    public static final int DISPOSITION_OTHER = 3;

    public static final int UNINSTALL_RESTORED = 0;
    public static final int UNINSTALL_LEFT_THEIRS = 1;
    public static final int UNINSTALL_NOT_INSTALLED = 2;

    private NativeSignals() {}

    /** Creates the ring (capacity rounded up to a power of two) and the wake-up channel. */
    public static native int init(int ringCapacity);

    /** Fills {@code out} with {nsig, rtmin, rtmax, ring capacity}. */
    public static native void platformInfo(int[] out);

    public static native int install(int signo);

    /** An UNINSTALL_* outcome, or a negated error code. */
    public static native int uninstall(int signo);

    /** A DISPOSITION_* value, or a negated error code. */
    public static native int disposition(int signo);

    public static native long handlerAddress(int signo);

    /**
     * Set in {@link #awaitEvents}'s answer, beside the count, once the JVM is ending: these are
     * the last events; do not call again (see {@link #watchVmDeath()}).
     */
    public static final int AWAIT_STOPPED = 1 << 30;

    /**
     * Blocks until at least one event is available, then copies up to {@code buffer.length /
     * EVENT_LONGS} of them; returns the count, or a negated error code. Once the JVM is ending
     * it no longer blocks: the count then carries {@link #AWAIT_STOPPED}.
     */
    public static native int awaitEvents(long[] buffer);

    /**
     * Asks for JVMTI's VMDeath (an environment of our own, from the JNI library, no
     * capabilities): from then on, when the JVM ends, {@link #awaitEvents} stops waiting in
     * native code, which HotSpot's exit would wait for up to 300 ms. Idempotent. 0, a negative
     * JNI error (no JVMTI here), or a positive jvmtiError.
     */
    public static native int watchVmDeath();

    /** Wakes the thread in {@link #awaitEvents}, which then returns to waiting if nothing came. */
    public static native void wake();

    /** Runs the action that was installed before sigbridge's, outside signal context. */
    public static native int chain(int signo, int code, int pid, int uid, int value, int flags);

    /** A SYNC_* mode: whether deliveries of {@code signo} are last gasps (see sb_platform.h). */
    public static native int setSynchronous(int signo, int mode);

    /** How long a last-gasp handler waits for the Java handlers at most. */
    public static native void setSyncGraceMillis(int millis);

    /** Tells the waiting last-gasp handler that the Java handlers of {@code ticket} are done. */
    public static native void complete(int signo, long ticket);

    public static native int raise(int signo);

    public static native int kill(long pid, int signo);

    public static native int sigqueue(long pid, int signo, int value);

    public static native int killGroup(long pgid, int signo);

    /** Fills {@code out} with {invocations, delivered, coalesced} of one signal. */
    public static native void stats(int signo, long[] out);

    public static native String errorText(int code);

    /** The clock events are stamped with (the one System.nanoTime reads). */
    public static native long nanoTime();

    /** setpgid(2); EACCES means the child already exec'd. */
    public static native int setpgid(long pid, long pgid);

    /** getpgid(2), or a negated error code. */
    public static native long getpgid(long pid);

    /** prctl(PR_SET_CHILD_SUBREAPER) on Linux; ENOSYS elsewhere. */
    public static native int becomeSubreaper();

    /** waitpid(pid, WNOHANG): 1 reaped, 0 running, or a negated error code. */
    public static native int reap(long pid);

    /** {@link #becomeSubreaper()} with the library loaded; false when the OS refused. */
    public static boolean becomeSubreaperChecked() {
        NativeLibrary.load();
        return becomeSubreaper() == 0;
    }

    /**
     * execve(2): replaces this JVM with {@code argv} (same pid), every signal blocked across the
     * exec. Each element is exec'd as the bytes given (no modified UTF-8, no decoding). Returns
     * only on failure, with errno: EINVAL for a null element or one holding a NUL byte (nothing
     * shorter is exec'd), ENOMEM when the copy cannot be made.
     */
    public static native int exec(byte[] path, byte[][] argv, byte[][] envp);
}

package io.sigbridge.internal;

/**
 * The Windows-only JNI surface ({@code native/windows/sb_jni_windows.c}): console control
 * events and the acknowledgement that lets the console routine wait for the Java handlers, the
 * hidden window, WM_CLOSE to other processes, and children in a new process group.
 * Bound only in {@code sigbridge.dll}; calling it elsewhere is an {@link UnsatisfiedLinkError}.
 * Not public API.
 */
public final class WindowsNatives {
    /** CTRL_*_EVENT types, as the console passes them to a HandlerRoutine. */
    public static final int CTRL_C_EVENT = 0;
    public static final int CTRL_BREAK_EVENT = 1;
    public static final int CTRL_CLOSE_EVENT = 2;
    public static final int CTRL_LOGOFF_EVENT = 5;
    public static final int CTRL_SHUTDOWN_EVENT = 6;

    /** Console events have the accounting slots CONSOLE_SLOT_BASE + type (sb_event.h). */
    public static final int CONSOLE_SLOT_BASE = 64;

    /** Modes of the console routine for one event type (sb_windows.h). */
    public static final int MODE_OFF = 0;
    public static final int MODE_CONSUME = 1;
    public static final int MODE_CHAIN = 2;

    /** sigbridge's own error codes (bit 29: application-defined; sb_windows.h). */
    public static final int ERROR_NO_CONSOLE = 0x20000001;
    public static final int ERROR_NOT_INITIALIZED = 0x20000002;
    public static final int ERROR_SHARED_CONSOLE = 0x20000003;
    public static final int ERROR_CTRL_C_DISABLED = 0x20000004;
    public static final int ERROR_NO_WINDOW = 0x20000005;
    public static final int ERROR_NO_SUCH_PROCESS = 0x20000006;

    /** Event sources beyond SIGNAL (0) and CONSOLE (1): messages to the hidden window. */
    public static final int SOURCE_CLOSE_REQUEST = 2;
    public static final int SOURCE_END_SESSION = 3;

    /** Window messages (winuser.h). */
    public static final int WM_CLOSE = 0x0010;
    public static final int WM_QUERYENDSESSION = 0x0011;
    public static final int WM_ENDSESSION = 0x0016;
    public static final long ENDSESSION_LOGOFF = 0x80000000L;

    /** The helper in the jar that sends CTRL_C/CTRL_BREAK on another process's console. */
    public static final String CTRL_HELPER = "sigbridge-ctrl.exe";

    /** The upper bound of the grace (Windows ends the process about 5 s after CTRL_CLOSE). */
    public static final int GRACE_MAX_MILLIS = 4500;

    private WindowsNatives() {}

    public static native int consoleMode(int type, int mode);

    public static native void setGrace(int millis);

    /**
     * The Java handlers of the console event {@code ticket} of {@code slot} (an event with
     * {@link NativeSignals#FLAG_SYNC}) have finished; {@code consumed}: one ran and none asked
     * for Chain.PREVIOUS, so the console routine returns TRUE.
     */
    public static native void handled(int slot, long ticket, boolean consumed);

    /** GenerateConsoleCtrlEvent with sigbridge's checks; 0 or an error code. */
    public static native int sendConsoleEvent(int type, long group);

    public static native boolean hasConsole();

    /** Wine's version (ntdll's wine_get_version), or null on Windows. */
    public static native String wineVersion();

    /** Test support: FreeConsole() then AllocConsole(); 0 or the error code. */
    public static native int reattachConsoleForTest();

    /** Test support: FreeConsole(); 0 or the error code. */
    public static native int detachConsoleForTest();

    /**
     * Test support: runs sigbridge's console routine on the calling thread, as the console does
     * on its CtrlRoutine thread, and returns what it returned (TRUE: consumed). For the events
     * only the system sends (CTRL_CLOSE, CTRL_LOGOFF, CTRL_SHUTDOWN).
     */
    public static native boolean runConsoleRoutineForTest(int type);

    /**
     * Test support: what msvcrt's console routine does on real Windows after sigbridge's passed
     * a CTRL_C on (raise its SIGINT on the same thread), which Wine's msvcrt does not do.
     */
    public static native int passOnCtrlCThroughMsvcrtForTest();

    /** Test support: the C runtime's abort(). */
    public static native void abortForTest();

    /** Test support: CreateProcess with CREATE_NEW_PROCESS_GROUP; the pid, or a negated error. */
    public static native long startInNewProcessGroupForTest(String commandLine);

    // ---- the hidden window (native/windows/sb_window.c) ----

    /**
     * Creates the hidden top-level window (class {@code sigbridge-<pid>}, title
     * {@code sigbridge <pid>}) when {@code wanted} and there is none, returning once it exists;
     * retires it otherwise. 0 or an error code.
     */
    public static native int windowWanted(boolean wanted);

    /**
     * WM_CLOSE to every top-level window of {@code pid}, as taskkill /PID: how many windows, or a
     * negated error code ({@link #ERROR_NO_WINDOW}, {@link #ERROR_NO_SUCH_PROCESS}, 5).
     */
    public static native long postClose(long pid);

    /** Test support: the title of the sigbridge window of {@code pid}, or null when it has none. */
    public static native String windowTitleForTest(long pid);

    /** Test support: SendMessageTimeout to the sigbridge window of {@code pid}: its result, or a negated error. */
    public static native long sendToWindowForTest(long pid, int msg, long wParam, long lParam,
            int timeoutMillis);

    // ---- ProcessGroups.start on Windows (native/windows/sb_spawn.c) ----

    /** Standard handle modes of {@link #spawn} (sb_spawn.h). */
    public static final int STDIO_PIPE = 0;
    public static final int STDIO_INHERIT = 1;
    public static final int STDIO_READ = 2;
    public static final int STDIO_WRITE = 3;
    public static final int STDIO_APPEND = 4;
    public static final int STDIO_STDOUT = 5;

    /** Steps of {@link #spawn} that can fail ({@code out[6]}). */
    public static final int STEP_STDIN = 1;
    public static final int STEP_CREATE_PROCESS = 4;
    public static final int STEP_JOB = 5;

    public static final int WAIT_TIMEOUT = 258;
    public static final int ERROR_BROKEN_PIPE = 109;
    public static final int ERROR_HANDLE_EOF = 38;

    /**
     * CreateProcessW with CREATE_NEW_PROCESS_GROUP, suspended, assigned to a new Job Object.
     * {@code out} (8 long): pid, process handle, job handle, the parent's ends of the stdin,
     * stdout and stderr pipes (0 when not a pipe), the step that failed, the suspended thread
     * ({@link #resumeThread}). 0 or an error code; on failure nothing is left open.
     */
    public static native int spawn(String commandLine, String environmentBlock, String directory,
            int[] modes, String[] paths, boolean killOnJobClose, long[] out);

    /** ResumeThread, then CloseHandle of the thread: 0 or an error code. */
    public static native int resumeThread(long thread);

    /** 0 when the process ended, {@link #WAIT_TIMEOUT}, or an error code; millis &lt; 0: forever. */
    public static native int waitForProcess(long process, int millis);

    /** GetExitCodeProcess: the code (0..0xffffffff), or a negated error code. */
    public static native long exitCode(long process);

    public static native int terminateJob(long job, int exitCode);

    /** The job's running processes, or a negated error code. */
    public static native long activeProcesses(long job);

    public static native int closeHandle(long handle);

    /** ReadFile: bytes read (0 for a zero-length write), or a negated error code. */
    public static native long readHandle(long handle, byte[] bytes, int offset, int length);

    /** WriteFile until all is written: 0 or an error code. */
    public static native int writeHandle(long handle, byte[] bytes, int offset, int length);

    /** PeekNamedPipe: bytes available, or a negated error code. */
    public static native long availableHandle(long handle);

    /**
     * Test support: GetProcessHandleCount of this process (under Wine, which answers 0, the
     * number of valid handle values below 2^14: Wine hands out the lowest free ones), or a
     * negated error code.
     */
    public static native long handleCountForTest();
}

package io.sigbridge.junit;

/**
 * The configuration parameters of sigbridge's JUnit 5 harnesses, and the status a hung run ends
 * with.
 *
 * <p>Every parameter is a JUnit Platform configuration parameter: it can be set in
 * {@code junit-platform.properties}, in Surefire's {@code <configurationParameters>}, in the
 * console launcher's {@code --config key=value}, or as a system property ({@code -Dkey=value}).
 * All dumps and halts are off unless one of the dump parameters is set; hygiene reports are on.
 *
 * <p>Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or in ISO-8601
 * ({@code PT5M}). A malformed value is reported when the test plan starts (JUnit logs the
 * listener's {@link IllegalArgumentException}, which names the parameter) and that feature
 * stays off.
 */
public final class SigbridgeJUnit {
    /**
     * When one test (or one container's own code, such as {@code @BeforeAll}) has run this long,
     * every thread's stack, with locks, is written to a file named after it, and the run goes on.
     */
    public static final String DUMP_AFTER = "sigbridge.junit.dump.after";

    /**
     * When one test has run this long, a last dump is written, a line naming the test and the
     * file goes to standard error, and the JVM ends at once with {@link #HALT_STATUS}
     * ({@link Runtime#halt}: shutdown hooks of a hung JVM may hang too).
     */
    public static final String HALT_AFTER = "sigbridge.junit.halt.after";

    /**
     * The directory of the dump files, created when needed; relative to the working directory
     * (a Maven module's base directory under Surefire). Default {@value #DEFAULT_DUMP_DIR}.
     */
    public static final String DUMP_DIR = "sigbridge.junit.dump.dir";

    /** The default of {@link #DUMP_DIR}. */
    public static final String DEFAULT_DUMP_DIR = "target/sigbridge-dumps";

    /**
     * A signal that asks for a dump (default: none), for example {@code USR1}, {@code WINCH} or
     * {@code RTMIN+2}: the run goes on after each. {@code TERM}, {@code INT} and {@code HUP} dump
     * and then end the JVM as they would have (shutdown hooks, status 128+n). Signals the JVM or
     * the kernel keep are refused with the reason: {@code USR2} (HotSpot's thread suspension),
     * {@code QUIT} (HotSpot's own dump to standard output), {@code KILL}, {@code STOP},
     * {@code SEGV}, {@code BUS}, {@code FPE}, {@code ILL}, {@code TRAP}, {@code PIPE},
     * {@code XFSZ}; and {@code ABRT}, which {@link #DUMP_ABORT} covers.
     */
    public static final String DUMP_SIGNAL = "sigbridge.junit.dump.signal";

    /**
     * Whether a SIGABRT ({@code abort()} in native code, or {@code Signals.raise(Signal.ABRT)})
     * leaves a dump file before the process dies of it (sigbridge's last gasp). Default
     * {@code true} once any of {@link #DUMP_AFTER}, {@link #HALT_AFTER}, {@link #DUMP_DIR} or
     * {@link #DUMP_SIGNAL} is set, {@code false} otherwise. Needs sigbridge's native library.
     */
    public static final String DUMP_ABORT = "sigbridge.junit.dump.abort";

    /**
     * What to do about a test that leaves a sigbridge registration open, or a signal's
     * disposition changed: {@code report} (default: a warning naming the test, the registration
     * and where it was opened), {@code fail} (the test fails where {@link SignalHygieneExtension}
     * is active, and the registrations it left are closed, so the next test starts with the
     * dispositions of before), or {@code off}.
     */
    public static final String HYGIENE = "sigbridge.junit.hygiene";

    /**
     * How long a death test's child JVM may run before it is killed and the assertion fails.
     * Default {@value #DEFAULT_DEATH_TIMEOUT}.
     */
    public static final String DEATH_TIMEOUT = "sigbridge.junit.death.timeout";

    /** The default of {@link #DEATH_TIMEOUT}. */
    public static final String DEFAULT_DEATH_TIMEOUT = "5m";

    /**
     * The exit status of a JVM halted by {@link #HALT_AFTER} or {@link SignalTimeout#haltAfter()}:
     * {@value}, outside the ranges of common statuses (1, 2, sysexits' 64 to 78, 126 to 165 for
     * commands not run and signal deaths). Surefire reports it as "Process Exit Code: 86".
     */
    public static final int HALT_STATUS = 86;

    private SigbridgeJUnit() {}
}
